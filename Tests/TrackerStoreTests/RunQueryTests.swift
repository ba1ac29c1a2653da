// RunQueryTests: the summary stored at finish, filters, newest-first listing,
// id prefixes, deleting without orphans, and never creating a database on read.
import Foundation
import TrackerTestSupport
import XCTest

@testable import TrackerStore

final class RunQueryTests: StoreTestCase {
  func testFinishStoresTheSummary() throws {
    let store = try RunStore.open(path: path)
    let recorder = try RunFixture.record(
      into: store, accuracies: [0.1, 0.3, 0.15, 0.5, 0.8, 0.7], lastLoss: 0.25)
    let run = try XCTUnwrap(store.runs(matching: RunFilter()).first)
    XCTAssertEqual(run.seq, recorder.seq)
    XCTAssertEqual(
      run.summary,
      RunSummary(
        baseline: 0.1135, margin: 0.05, learningStart: 40, finalTestAccuracy: 0.7,
        bestTestAccuracy: 0.8, finalLoss: 0.25))
    XCTAssertEqual(run.durationSeconds, 10)
  }

  func testARunningRunHasNoSummary() throws {
    let store = try RunStore.open(path: path)
    try RunFixture.record(into: store, status: .running)
    let run = try XCTUnwrap(store.runs(matching: RunFilter()).first)
    XCTAssertEqual(run.status, .running)
    XCTAssertEqual(run.summary, RunSummary(baseline: 0.1135))
  }

  func testFilters() throws {
    let store = try RunStore.open(path: path)
    try RunFixture.record(
      into: store, optimizer: "adam", seed: 1, lr: 0.001, tags: [("sweep", "a")])
    try RunFixture.record(into: store, optimizer: "adam", seed: 2, lr: 0.01, tags: [("sweep", "b")])
    try RunFixture.record(into: store, optimizer: "sgd", seed: 1, lr: 0.01, status: .diverged)
    func seeds(_ filter: RunFilter) throws -> [String] {
      try store.runs(matching: filter).map { "\($0.optimizer)\($0.seed)" }
    }
    XCTAssertEqual(try seeds(RunFilter()), ["adam1", "adam2", "sgd1"])
    XCTAssertEqual(try seeds(RunFilter(optimizers: ["sgd"])), ["sgd1"])
    XCTAssertEqual(try seeds(RunFilter(statuses: [.completed])), ["adam1", "adam2"])
    XCTAssertEqual(try seeds(RunFilter(conditions: [(.lr, .real(0.01))])), ["adam2", "sgd1"])
    XCTAssertEqual(
      try seeds(RunFilter(conditions: [try RunFilter.condition(parsing: "batch-size=100")])),
      ["adam1", "adam2", "sgd1"])
    XCTAssertEqual(try seeds(RunFilter(conditions: [(.beta1, .null)])), ["sgd1"])
    XCTAssertEqual(try seeds(RunFilter(tags: [("sweep", "b")])), ["adam2"])
    XCTAssertEqual(try seeds(RunFilter(tags: [("sweep", "c")])), [])
    XCTAssertEqual(try store.count(matching: RunFilter(optimizers: ["adam"])), 2)
    XCTAssertEqual(
      try store.optimizerCounts(matching: RunFilter()).map { "\($0.optimizer)=\($0.runs)" },
      ["adam=2", "sgd=1"])
  }

  func testWhereParsingErrorsNameTheValidKeys() {
    for text in ["lr", "=0.1", "lrr=0.1"] {
      XCTAssertThrowsError(try RunFilter.condition(parsing: text), text) { error in
        let message = "\(error)"
        XCTAssertTrue(message.contains("valid keys: seed, lr, iters"), message)
        XCTAssertFalse(message.contains("\n"), "one line: \(message)")
      }
    }
    XCTAssertThrowsError(try RunFilter.condition(parsing: "lr=fast"))
    XCTAssertThrowsError(try RunFilter.condition(parsing: "iters=1.5"))
    XCTAssertThrowsError(try RunFilter.condition(parsing: "lr=null"), "lr is never NULL")
    XCTAssertEqual(try RunFilter.condition(parsing: "batchnorm=on").value, .integer(1))
    XCTAssertEqual(try RunFilter.condition(parsing: "momentum=null").value, .null)
    XCTAssertEqual(try RunFilter.condition(parsing: "hidden=40,20").value, .text("40,20"))
  }

  func testNewestFirstWithLimitAndTags() throws {
    let store = try RunStore.open(path: path)
    try RunFixture.record(into: store, seed: 1, tags: [("b", "2"), ("a", "1")], hour: 1)
    try RunFixture.record(into: store, seed: 2, hour: 3)
    try RunFixture.record(into: store, seed: 3, hour: 2)
    let runs = try store.runs(matching: RunFilter(), newestFirst: true, limit: 2, includeTags: true)
    XCTAssertEqual(runs.map(\.seed), [2, 3])
    let all = try store.runs(matching: RunFilter(), newestFirst: true, includeTags: true)
    XCTAssertEqual(all.map(\.seed), [2, 3, 1])
    XCTAssertEqual(all[2].tags.map { "\($0.key)=\($0.value)" }, ["a=1", "b=2"])
  }

  func testPrefixResolution() throws {
    let store = try RunStore.open(path: path)
    try RunFixture.record(into: store, seed: 1, id: "abcd0000-0000-4000-8000-000000000001")
    try RunFixture.record(into: store, seed: 2, id: "abcd0000-0000-4000-8000-000000000002")
    try RunFixture.record(
      into: store, optimizer: "sgd", seed: 3, id: "ef010000-0000-4000-8000-000000000003")

    XCTAssertEqual(try store.resolve("ef").seed, 3)
    XCTAssertEqual(try store.resolve("EF01").seed, 3, "case-insensitive")
    XCTAssertEqual(try store.resolve("abcd0000-0000-4000-8000-000000000002").seed, 2)

    XCTAssertThrowsError(try store.resolve("abcd")) { error in
      XCTAssertEqual(
        "\(error)",
        "'abcd' matches 2 runs in \(path): abcd0000-0000-4000-8000-000000000001 adam seed 1,"
          + " abcd0000-0000-4000-8000-000000000002 adam seed 2; give more characters of the id")
    }
    XCTAssertThrowsError(try store.resolve("0")) { error in
      XCTAssertEqual("\(error)", "no run matches '0' in \(path) (see 'tracker list')")
    }
    // LIKE wildcards in the prefix match only themselves.
    for wildcard in ["%", "_", "abcd%", "a_cd"] {
      XCTAssertThrowsError(try store.resolve(wildcard), wildcard) { error in
        XCTAssertTrue("\(error)".hasPrefix("no run matches"), "\(error)")
      }
    }
    XCTAssertThrowsError(try store.resolve(" "))
  }

  func testDeleteLeavesNoOrphans() throws {
    let store = try RunStore.open(path: path)
    try RunFixture.record(into: store, seed: 1, tags: [("k", "v")])
    try RunFixture.record(into: store, seed: 2, tags: [("k", "w")])
    try RunFixture.record(into: store, seed: 3, tags: [("k", "x")])
    let runs = try store.runs(matching: RunFilter())
    XCTAssertEqual(try store.delete([runs[0], runs[2]]), 2)

    let database = store.database
    XCTAssertEqual(try int(database, "SELECT count(*) FROM runs"), 1)
    for table in ["losses", "evals", "run_tags"] {
      XCTAssertEqual(
        try int(
          database, "SELECT count(*) FROM \(table) WHERE run_seq NOT IN (SELECT seq FROM runs)"),
        0, "orphans in \(table)")
      XCTAssertGreaterThan(try int(database, "SELECT count(*) FROM \(table)"), 0, table)
    }
    XCTAssertEqual(try store.runs(matching: RunFilter()).map(\.seed), [2])
  }

  func testDeleteWithoutForeignKeysStillLeavesNoOrphans() throws {
    let store = try RunStore.open(path: path)
    try RunFixture.record(into: store, tags: [("k", "v")])
    try store.database.execute("PRAGMA foreign_keys = OFF")
    try store.delete(store.runs(matching: RunFilter()))
    for table in ["runs", "losses", "evals", "run_tags"] {
      XCTAssertEqual(try int(store.database, "SELECT count(*) FROM \(table)"), 0, table)
    }
  }

  func testOpenExistingNeverCreatesADatabase() throws {
    XCTAssertThrowsError(try RunStore.openExisting(path: path)) { error in
      XCTAssertTrue("\(error)".contains("tracker run --opt adam"), "\(error)")
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: path))
  }

  func testRecomputeLearningStartWithAnotherMargin() throws {
    let store = try RunStore.open(path: path)
    // Threshold 0.1635 at the default margin: starts at 20. With margin 0.5
    // (threshold 0.6135): starts at 40 (0.9); the dip to 0.55 resets it.
    try RunFixture.record(into: store, accuracies: [0.1, 0.7, 0.55, 0.9])
    var runs = try store.runs(matching: RunFilter())
    XCTAssertEqual(runs[0].summary.learningStart, 20)
    try store.recomputeLearningStart(&runs, margin: 0.5)
    XCTAssertEqual(runs[0].summary.learningStart, 40)
    XCTAssertEqual(runs[0].summary.margin, 0.5)
    try store.recomputeLearningStart(&runs, margin: 0.9)
    XCTAssertNil(runs[0].summary.learningStart, "0.9 < 1.0135: never")
  }
}
