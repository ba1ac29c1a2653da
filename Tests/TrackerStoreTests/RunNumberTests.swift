// RunNumberTests: run numbers (runs.seq) are never reused (migration 0005),
// upgrading keeps every metric, a recorder whose run was deleted writes
// nothing more, and deletes work in bounded slices.
import Foundation
import XCTest

@testable import TrackerStore

final class RunNumberTests: StoreTestCase {
  /// A database at schema 0004 with three runs, each with tags and metrics,
  /// written with plain SQL as tracker 0004 wrote them.
  private func schema0004Database() throws {
    let old = try Database(path: path)
    try Migrator.migrate(old, migrations: Migrator.embedded.filter { $0.id < "0005" })
    for seq in 1...3 {
      try old.execute(
        """
        INSERT INTO runs (seq, id, status, optimizer, seed, lr, iters, batch_size, eval_interval,
          hidden, activation, weight_init, batchnorm, dataset, dataset_hash, started_at,
          tracker_version, host, command, baseline, final_test_acc, heartbeat_at)
        VALUES (?, ?, 'completed', 'sgd', ?, 0.1, 100, 10, 10, '40,20', 'sigmoid', '0.01', 0,
          'mnist', 'h', '2026-01-01T00:00:00.000Z', '0.1.0', 'h', 'tracker run', 0.1135, 0.9,
          '2026-01-01T00:00:00.000Z')
        """, [.integer(Int64(seq)), .text(UUID().uuidString.lowercased()), .integer(Int64(seq))])
      try old.execute(
        "INSERT INTO run_tags VALUES (?, 'k', 'v')", [.integer(Int64(seq))])
      for iter in 1...100 {
        try old.execute(
          "INSERT INTO losses VALUES (?, ?, ?)",
          [.integer(Int64(seq)), .integer(Int64(iter)), .real(1.0 / Double(iter))])
        if iter % 10 == 0 {
          try old.execute(
            "INSERT INTO evals VALUES (?, ?, 0.5, 0.6)",
            [.integer(Int64(seq)), .integer(Int64(iter))])
        }
      }
    }
  }

  private func counts(_ database: Database) throws -> [Int64] {
    try ["runs", "run_tags", "losses", "evals"].map {
      try int(database, "SELECT count(*) FROM \($0)")
    }
  }

  func testUpgradingFrom0004KeepsEveryRowAndNeverReusesANumber() throws {
    try schema0004Database()
    let before = try counts(Database(path: path))
    XCTAssertEqual(before, [3, 3, 300, 30])

    // Database turns foreign_keys on: the rebuild of `runs` must not cascade.
    let store = try RunStore.open(path: path)
    let database = store.database
    XCTAssertEqual(try counts(database), before)
    XCTAssertEqual(
      try rows(database, "SELECT seq FROM runs ORDER BY seq"),
      [[.integer(1)], [.integer(2)], [.integer(3)]])
    XCTAssertEqual(try rows(database, "PRAGMA integrity_check"), [[.text("ok")]])
    XCTAssertEqual(try rows(database, "PRAGMA foreign_key_check"), [])
    XCTAssertEqual(try int(database, "PRAGMA foreign_keys"), 1, "back on after migrating")
    XCTAssertEqual(try int(database, "SELECT count(*) FROM run_summaries"), 3, "views rebuilt")
    XCTAssertEqual(try int(database, "SELECT count(*) FROM loss_curves"), 300)

    // Delete the newest run: the next one gets a new number, not 3.
    try store.delete(store.runs(matching: RunFilter()).filter { $0.seq == 3 })
    XCTAssertEqual(try counts(database), [2, 2, 200, 20])
    let recorder = try store.begin(makeRun())
    XCTAssertEqual(recorder.seq, 4)
  }

  func testARecorderWhoseRunWasDeletedWritesNothingMore() throws {
    let store = try RunStore.open(path: path)
    let recorder = try store.begin(makeRun())
    try recorder.logLoss(iteration: 1, loss: 1)
    try recorder.flush()
    // Deleted by another connection (another process's `tracker delete`).
    try Database(path: path).execute("DELETE FROM runs")
    let next = try store.begin(makeRun())
    XCTAssertGreaterThan(next.seq, recorder.seq)

    try recorder.logLoss(iteration: 2, loss: 1)
    XCTAssertThrowsError(try recorder.flush()) { error in
      XCTAssertEqual("\(error)", "run \(recorder.runID) was deleted while it ran; stopping")
    }
    XCTAssertThrowsError(try recorder.finish(status: .completed, endedAt: Date())) { error in
      XCTAssertTrue(error is RunDeletedError, "\(error)")
    }
    try next.finish(status: .completed, endedAt: Date())
    XCTAssertEqual(try int(store.database, "SELECT count(*) FROM losses"), 0)
    XCTAssertEqual(
      try rows(store.database, "SELECT seq, status FROM runs"),
      [[.integer(next.seq), .text("completed")]])
  }

  func testDeletesInSlicesLeaveNoOrphans() throws {
    let store = try RunStore.open(path: path)
    for _ in 1...5 {
      let recorder = try store.begin(makeRun(tags: [("k", "v")]))
      for i in 1...23 { try recorder.logLoss(iteration: i, loss: 1) }
      for i in 1...3 { try recorder.logEvaluation(iteration: i, trainAccuracy: 0, testAccuracy: 0) }
      try recorder.finish(status: .completed, endedAt: Date())
    }
    let runs = try store.runs(matching: RunFilter())
    // 7 rows per transaction: runs are split across transactions.
    XCTAssertEqual(try store.delete(Array(runs.prefix(4)), rowsPerTransaction: 7), 4)
    XCTAssertEqual(try counts(store.database), [1, 1, 23, 3])
    XCTAssertEqual(try store.delete(runs), 1, "deleted ones are skipped")
    XCTAssertEqual(try counts(store.database), [0, 0, 0, 0])
  }
}
