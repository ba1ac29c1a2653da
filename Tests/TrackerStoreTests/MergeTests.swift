// RunStore.merge: runs copied by UUID between real database files, with every
// column, tag and metric row; idempotent; all or nothing per source; sources
// never written, older schemas read through a migrated copy, newer ones refused.
import Foundation
import TrackerTestSupport
import XCTest

@testable import TrackerStore

final class MergeTests: StoreTestCase {
  func database(_ name: String) -> String { folder.appending(path: name).path }

  /// Every run with its tags and metrics, keyed by run id, without `seq`.
  func content(_ path: String) throws -> [String: [[SQLValue]]] {
    let db = try Database(path: path)
    let columns = try db.columns(of: "runs").filter { $0 != "seq" }
    var result: [String: [[SQLValue]]] = [:]
    for row in try db.rows("SELECT seq, id FROM runs") {
      guard case .text(let id) = row[1] else { continue }
      result[id] =
        try db.rows("SELECT \(columns.joined(separator: ",")) FROM runs WHERE seq = ?", [row[0]])
        + db.rows("SELECT key, value FROM run_tags WHERE run_seq = ? ORDER BY key", [row[0]])
        + db.rows("SELECT iter, loss FROM losses WHERE run_seq = ? ORDER BY iter", [row[0]])
        + db.rows(
          "SELECT iter, train_acc, test_acc FROM evals WHERE run_seq = ? ORDER BY iter", [row[0]])
    }
    return result
  }

  func shard(_ name: String, seeds: ClosedRange<Int64>, status: RunStatus = .completed) throws
    -> String
  {
    let store = try RunStore.open(path: database(name))
    for seed in seeds {
      try RunFixture.record(
        into: store, seed: seed, accuracies: [0.2, 0.5, Double(seed) / 10], status: status,
        tags: [("shard", name)])
    }
    return database(name)
  }

  func fileBytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

  func testMergesRunsWhoseSeqsCollideAndIsIdempotent() throws {
    let a = try shard("a.sqlite", seeds: 1...3)
    let b = try shard("b.sqlite", seeds: 4...5)
    let main = try RunStore.open(path: path)
    try RunFixture.record(into: main, seed: 9)
    XCTAssertEqual(try main.merge(from: a).merged.count, 3)
    XCTAssertEqual(try main.merge(from: b).merged.count, 2)
    var expected = try content(a).merging(try content(b)) { $1 }
    expected.merge(try content(path)) { old, _ in old }
    XCTAssertEqual(try content(path).count, 6)
    XCTAssertEqual(try content(path), expected, "every column, tag, loss and evaluation")
    XCTAssertEqual(try int(main.database, "SELECT count(*) FROM losses"), 6 * 30)

    // Again: everything is skipped, nothing changes.
    let before = try content(path)
    let again = try main.merge(from: a)
    XCTAssertEqual(again.merged, [])
    XCTAssertEqual(again.skipped.count, 3)
    XCTAssertEqual(try content(path), before)
  }

  func testLabelsEditedHereDoNotMakeARunDiffer() throws {
    let a = try shard("a.sqlite", seeds: 1...2)
    let main = try RunStore.open(path: path)
    try main.merge(from: a)
    // Renamed and tagged here after the merge ('tracker rename', 'tracker tag').
    try main.database.execute(
      """
      UPDATE runs SET name = 'renamed' WHERE seq = 1;
      INSERT INTO run_tags (run_seq, key, value) VALUES (1, 'sweep', 'later');
      """)
    let before = try content(path)
    let again = try main.merge(from: a)
    XCTAssertEqual(again.merged, [])
    XCTAssertEqual(again.skipped.count, 2)
    XCTAssertEqual(try content(path), before, "the labels here are kept")
  }

  func testARunThatDiffersIsRefusedWithNothingOfItsSourceMerged() throws {
    let a = try shard("a.sqlite", seeds: 1...2)
    let main = try RunStore.open(path: path)
    try main.merge(from: a)
    // Change one loss of the first run in the source, and add a new run to it.
    let source = try Database(path: a)
    try source.execute("UPDATE losses SET loss = 0.5 WHERE run_seq = 1 AND iter = 3")
    try RunFixture.record(into: try RunStore.open(path: a), seed: 7)
    let id = try source.rows("SELECT id FROM runs WHERE seq = 1")[0][0]
    guard case .text(let runID) = id else { return XCTFail() }
    XCTAssertThrowsError(try main.merge(from: a)) { error in
      XCTAssertTrue("\(error)".contains("run \(runID)"), "\(error)")
      XCTAssertTrue("\(error)".contains("its losses"), "\(error)")
    }
    XCTAssertEqual(try int(main.database, "SELECT count(*) FROM runs"), 2, "the new run neither")
  }

  func testRunningRunsOnlyWhenAskedAndTheSourceIsNeverWritten() throws {
    let a = try shard("a.sqlite", seeds: 1...2, status: .running)
    try Database(path: a).execute("PRAGMA wal_checkpoint(TRUNCATE)")
    let bytes = try fileBytes(a)
    let main = try RunStore.open(path: path)
    let first = try main.merge(from: a)
    XCTAssertEqual(first.running.count, 2)
    XCTAssertEqual(first.merged, [])
    XCTAssertEqual(try main.merge(from: a, includeRunning: true).merged.count, 2)
    XCTAssertEqual(try fileBytes(a), bytes)
  }

  func testAnOlderSchemaIsReadThroughAMigratedCopy() throws {
    let old = database("old.sqlite")
    let db = try Database(path: old)
    try Migrator.migrate(db, migrations: Array(Migrator.embedded.prefix(1)))
    try db.execute(
      """
      INSERT INTO runs (id, status, optimizer, seed, lr, iters, batch_size, eval_interval,
        hidden, activation, weight_init, batchnorm, dataset, dataset_hash, started_at,
        tracker_version, host, command)
      VALUES ('00000000-0000-4000-8000-000000000001', 'completed', 'sgd', 1, 0.1, 10, 100, 10,
        '40,20', 'sigmoid', '0.01', 0, 'mnist', 'h', '2026-01-01T00:00:00Z', '0.0.1', 'h', 'c');
      INSERT INTO evals VALUES (1, 10, 0.5, 0.6);
      PRAGMA wal_checkpoint(TRUNCATE);
      """)
    let bytes = try fileBytes(old)
    let main = try RunStore.open(path: path)
    let result = try main.merge(from: old)
    XCTAssertTrue(result.migratedCopy)
    XCTAssertEqual(result.merged, ["00000000-0000-4000-8000-000000000001"])
    // Migration 0002 computed its summary in the copy.
    XCTAssertEqual(try rows(main.database, "SELECT final_test_acc FROM runs"), [[.real(0.6)]])
    XCTAssertEqual(try fileBytes(old), bytes)
    XCTAssertEqual(try int(db, "SELECT count(*) FROM schema_migrations"), 1)
  }

  func testRefusesANewerSchemaItselfAndNonDatabases() throws {
    let a = try shard("a.sqlite", seeds: 1...1)
    let main = try RunStore.open(path: path)
    try FileManager.default.createSymbolicLink(
      atPath: database("link.sqlite"), withDestinationPath: path)
    for (source, message) in [
      (path, "is the destination database"), (database("link.sqlite"), "is the destination"),
      (database("missing.sqlite"), "no database at"),
    ] {
      XCTAssertThrowsError(try main.merge(from: source)) {
        XCTAssertTrue("\($0)".contains(message), "\($0)")
      }
    }
    try Database(path: a).execute(
      "INSERT INTO schema_migrations VALUES ('9999_future', '2030-01-01T00:00:00Z')")
    XCTAssertThrowsError(try main.merge(from: a)) {
      XCTAssertTrue("\($0)".contains("newer tracker (schema 9999_future)"), "\($0)")
    }
    let text = database("notes.txt")
    try Data("hello, not a database at all".utf8).write(to: URL(fileURLWithPath: text))
    XCTAssertThrowsError(try main.merge(from: text)) {
      XCTAssertTrue("\($0)".contains("not a SQLite database"), "\($0)")
    }
    XCTAssertEqual(try int(main.database, "SELECT count(*) FROM runs"), 0)
  }

  func testStoppedMarksOnlyRunningRuns() throws {
    let main = try RunStore.open(path: path)
    let run = try RunFixture.record(into: main, status: .running)
    XCTAssertTrue(try main.markStopped(id: run.runID, reason: "slurm task 1 CANCELLED"))
    XCTAssertFalse(try main.markStopped(id: run.runID, reason: "again"))
    XCTAssertEqual(
      try rows(main.database, "SELECT status, error FROM runs"),
      [[.text("interrupted"), .text("slurm task 1 CANCELLED")]])
  }
}
