// SummaryMigrationTests: migration 0002 fills in the summary of runs recorded
// by a tracker that only had schema 0001, with the same results as the Swift
// code that computes it when a run finishes; and the views of 0003.
import Foundation
import TrackerTestSupport
import XCTest

@testable import TrackerStore

final class SummaryMigrationTests: StoreTestCase {
  /// Hand-made curves (test accuracy every 10 iterations) covering the edge
  /// cases of the learning start.
  let curves: [(name: String, accuracies: [Double])] = [
    ("never", [0.10, 0.11, 0.1135, 0.16]),
    ("first point", [0.5, 0.7, 0.9]),
    ("dip resets", [0.10, 0.30, 0.40, 0.15, 0.50, 0.60]),
    ("last point only", [0.1, 0.1, 0.1, 0.9]),
    ("last point below", [0.9, 0.9, 0.1]),
    ("exactly the threshold", [0.1, 0.1135 + 0.05]),
    ("no evaluations", []),
  ]

  /// A database at schema 0001 only, with runs inserted as that tracker did.
  func oldDatabase() throws -> Database {
    let database = try Database(path: path)
    try Migrator.migrate(database, migrations: Array(Migrator.embedded.prefix(1)))
    XCTAssertEqual(try Migrator.appliedIDs(database), ["0001_create_runs"])
    return database
  }

  func insertOldRun(
    _ database: Database, seq: Int64, status: String = "completed", dataset: String = "mnist",
    accuracies: [Double], lastLoss: Double? = 0.5
  ) throws {
    try database.execute(
      """
      INSERT INTO runs (seq, id, status, optimizer, seed, lr, iters, batch_size, eval_interval,
        hidden, activation, weight_init, batchnorm, dataset, dataset_hash, started_at,
        tracker_version, host, command)
      VALUES (?, ?, ?, 'sgd', ?, 0.01, ?, 100, 10, '40,20', 'sigmoid', '0.01', 0, ?, 'h',
        '2026-11-29T12:00:00.000Z', '0.1.0', 'host', 'tracker run')
      """,
      [
        .integer(seq), .text(UUID().uuidString.lowercased()), .text(status), .integer(seq),
        .integer(Int64(max(1, accuracies.count) * 10)), .text(dataset),
      ])
    for (index, accuracy) in accuracies.enumerated() {
      try database.execute(
        "INSERT INTO evals (run_seq, iter, train_acc, test_acc) VALUES (?, ?, ?, ?)",
        [.integer(seq), .integer(Int64(index * 10 + 10)), .real(accuracy), .real(accuracy)])
    }
    let iterations = max(1, accuracies.count) * 10
    for iteration in 1...iterations {
      try database.execute(
        "INSERT INTO losses (run_seq, iter, loss) VALUES (?, ?, ?)",
        [
          .integer(seq), .integer(Int64(iteration)),
          iteration == iterations ? .nullable(lastLoss) : .real(2),
        ])
    }
  }

  func testMigrationBackfillsTheSummaryLikeFinishDoes() throws {
    let database = try oldDatabase()
    for (index, curve) in curves.enumerated() {
      try insertOldRun(database, seq: Int64(index + 1), accuracies: curve.accuracies)
    }
    try Migrator.migrate(database)
    let store = try RunStore.open(path: path)
    let runs = try store.runs(matching: RunFilter())
    XCTAssertEqual(runs.count, curves.count)
    for (run, curve) in zip(runs, curves) {
      let evaluations = curve.accuracies.enumerated().map { ($0.offset * 10 + 10, $0.element) }
      let expected = RunSummary.compute(evaluations: evaluations, lastLoss: 0.5, baseline: 0.1135)
      XCTAssertEqual(run.summary, expected, curve.name)
    }
    // And the values by hand, so both can't be wrong the same way.
    XCTAssertEqual(
      runs.map(\.summary.learningStart), [nil, 10, 50, 40, nil, 20, nil] as [Int?])
    XCTAssertEqual(runs[2].summary.bestTestAccuracy, 0.6)
    XCTAssertEqual(runs[4].summary.finalTestAccuracy, 0.1)
    XCTAssertNil(runs[6].summary.finalTestAccuracy)
  }

  func testMigrationBaselinesRunningRunsAndNaNLosses() throws {
    let database = try oldDatabase()
    try insertOldRun(database, seq: 1, dataset: "fashion-mnist", accuracies: [0.12, 0.2])
    try insertOldRun(database, seq: 2, status: "running", accuracies: [0.5])
    try insertOldRun(database, seq: 3, status: "diverged", accuracies: [0.5], lastLoss: nil)
    try Migrator.migrate(database)
    let runs = try RunStore.open(path: path).runs(matching: RunFilter())
    // Fashion-MNIST's test set has 1,000 images of each of 10 classes.
    XCTAssertEqual(runs[0].summary.baseline, 0.1)
    XCTAssertEqual(runs[0].summary.learningStart, 20, "0.12 < 0.15 <= 0.2")
    XCTAssertEqual(runs[1].summary, RunSummary(baseline: 0.1135), "running: no summary yet")
    XCTAssertEqual(runs[2].summary.finalTestAccuracy, 0.5)
    XCTAssertNil(runs[2].summary.finalLoss, "a NaN loss is stored as NULL")
  }

  func testViewsAnswerTheCookbookQuestions() throws {
    let store = try RunStore.open(path: path)
    try RunFixture.record(
      into: store, optimizer: "adam", seed: 1, accuracies: [0.2, 0.9], tags: [("k", "v")])
    try RunFixture.record(into: store, optimizer: "sgd", seed: 2, accuracies: [0.1, 0.1])
    let database = store.database
    XCTAssertEqual(
      try rows(
        database,
        "SELECT optimizer, seed, final_test_acc, learning_start, tags FROM run_summaries ORDER BY seed"
      ),
      [
        [.text("adam"), .integer(1), .real(0.9), .integer(10), .text("k=v")],
        [.text("sgd"), .integer(2), .real(0.1), .null, .null],
      ])
    XCTAssertEqual(
      try rows(
        database, "SELECT optimizer, seed, iter, test_acc FROM accuracy_curves ORDER BY seed, iter"),
      [
        [.text("adam"), .integer(1), .integer(10), .real(0.2)],
        [.text("adam"), .integer(1), .integer(20), .real(0.9)],
        [.text("sgd"), .integer(2), .integer(10), .real(0.1)],
        [.text("sgd"), .integer(2), .integer(20), .real(0.1)],
      ])
    XCTAssertEqual(try int(database, "SELECT count(*) FROM loss_curves"), 40)
  }
}
