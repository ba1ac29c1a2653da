// BlowUpTests: a completed run whose loss ends above twice where it started is
// recorded diverged, by RunRecorder.finish and, for old runs, by migration
// 0006, which must agree.
import Foundation
import TrackerTestSupport
import XCTest

@testable import TrackerStore

final class BlowUpTests: StoreTestCase {
  /// Loss curves by iteration (nil: NaN), and whether each blew up.
  let curves: [(name: String, losses: [Double?], blewUp: Bool)] = [
    ("learns", [2.3] + Array(repeating: 0.3, count: 99), false),
    ("flat at chance", [2.30] + Array(repeating: 2.31, count: 99), false),
    ("clipped blow-up", [2.3] + Array(repeating: 14.0, count: 99), true),
    ("exactly twice", [2.0] + Array(repeating: 4.0, count: 99), false),
    (
      "only the tail", [2.0] + Array(repeating: 1.0, count: 89) + Array(repeating: 9.0, count: 10),
      true
    ),
    ("short run, last loss", [2.0, 1.0, 5.0], true),
    (
      "NaN in the tail left out",
      [2.0] + Array(repeating: 1.0, count: 89) + Array(repeating: 9.0, count: 8) + [nil, 9.0], true
    ),
    ("no first loss", [nil, 9.0, 9.0], false),
  ]

  func losses(_ values: [Double?]) -> [(iteration: Int, loss: Double?)] {
    values.enumerated().map { ($0.offset + 1, $0.element) }
  }

  func testCheckByHand() {
    for curve in curves {
      XCTAssertEqual(BlowUp.check(losses(curve.losses)) != nil, curve.blewUp, curve.name)
    }
    XCTAssertEqual(
      BlowUp.check(losses([2.3] + Array(repeating: 14.0, count: 99))),
      "blew up: the mean loss of the last 10 iterations (14) is more than twice the first iteration's (2.3)"
    )
  }

  /// Records `losses` as one run and finishes it with `status`.
  func record(_ store: RunStore, _ losses: [Double?], status: RunStatus = .completed) throws
    -> RunStatus
  {
    var settings = RunFixture.settings(iters: losses.count)
    settings.evalInterval = losses.count
    let recorder = try store.begin(RunFixture.newRun(settings: settings))
    for (iteration, loss) in self.losses(losses) {
      try recorder.logLoss(iteration: iteration, loss: loss ?? .nan)
    }
    try recorder.logEvaluation(iteration: losses.count, trainAccuracy: 0.1, testAccuracy: 0.1)
    return try recorder.finish(status: status, endedAt: RunFixture.startTime(hour: 1))
  }

  func testFinishRecordsABlownUpRunAsDiverged() throws {
    let store = try RunStore.open(path: path)
    for curve in curves {
      XCTAssertEqual(
        try record(store, curve.losses), curve.blewUp ? .diverged : .completed, curve.name)
    }
    let blownUp = try rows(
      store.database,
      "SELECT status, diverged_at, error LIKE 'blew up: %' FROM runs WHERE seq = 3")
    XCTAssertEqual(blownUp, [[.text("diverged"), .null, .integer(1)]])
    // An interrupted run is not judged: it has no end.
    XCTAssertEqual(
      try record(store, [2.0, 9.0, 9.0], status: .interrupted), .interrupted)
  }

  /// Runs recorded before 0006 (finished as completed, whatever their loss)
  /// get the verdict Swift gives, with the same message.
  func testMigrationAgreesWithFinish() throws {
    let old = try Database(path: path)
    try Migrator.migrate(old, migrations: Migrator.embedded.filter { $0.id < "0006" })
    for (seq, curve) in curves.enumerated() {
      try old.execute(
        """
        INSERT INTO runs (seq, id, status, optimizer, seed, lr, iters, batch_size, eval_interval,
          hidden, activation, weight_init, batchnorm, dataset, dataset_hash, started_at,
          tracker_version, host, command)
        VALUES (?, ?, 'completed', 'sgd', 1, 0.01, ?, 100, ?, '40,20', 'sigmoid', '0.01', 0,
          'mnist', 'h', '2026-11-29T12:00:00.000Z', '0.1.0', 'host', 'tracker run')
        """,
        [
          .integer(Int64(seq + 1)), .text(UUID().uuidString.lowercased()),
          .integer(Int64(curve.losses.count)), .integer(Int64(curve.losses.count)),
        ])
      for (iteration, loss) in losses(curve.losses) {
        try old.execute(
          "INSERT INTO losses (run_seq, iter, loss) VALUES (?, ?, ?)",
          [.integer(Int64(seq + 1)), .integer(Int64(iteration)), .nullable(loss)])
      }
    }
    try Migrator.migrate(old)
    let stored = try rows(old, "SELECT status, error FROM runs ORDER BY seq")
    for (row, curve) in zip(stored, curves) {
      let reason = BlowUp.check(losses(curve.losses))
      XCTAssertEqual(row[0], .text(reason == nil ? "completed" : "diverged"), curve.name)
      XCTAssertEqual(row[1], reason.map { .text($0) } ?? .null, curve.name)
    }
  }
}
