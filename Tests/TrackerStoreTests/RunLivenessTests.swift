// RunLivenessTests: runs left `running` by a process that is gone are found (by
// pid on this host, by heartbeat elsewhere) and marked interrupted with their
// summary; live ones are left alone; a heartbeat revives a wrong verdict.
import Foundation
import XCTest

@testable import TrackerStore

final class RunLivenessTests: StoreTestCase {
  /// Begins a run on `host` with `pid`, logs 30 iterations and 3 evaluations and
  /// flushes them, leaving it running.
  func beginRunning(
    _ store: RunStore, host: String = RunLiveness.currentHost, pid: Int32,
    startedAt: Date = Date()
  ) throws -> RunRecorder {
    var run = makeRun()
    run.host = host
    run.pid = pid
    run.startedAt = startedAt
    run.baseline = 0.1135
    let recorder = try store.begin(run)
    for iteration in 1...30 {
      try recorder.logLoss(iteration: iteration, loss: 1.0 / Double(iteration))
      if iteration % 10 == 0 {
        try recorder.logEvaluation(
          iteration: iteration, trainAccuracy: 0.5, testAccuracy: Double(iteration) / 40)
      }
    }
    try recorder.flush()
    return recorder
  }

  /// The pid of a process that has ended (and been reaped).
  func deadPID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
  }

  func status(_ database: Database) throws -> [[SQLValue]] {
    try rows(database, "SELECT status FROM runs")
  }

  func testRunOfADeadLocalProcessIsMarkedInterruptedWithItsSummary() throws {
    let store = try RunStore.open(path: path)
    let recorder = try beginRunning(store, pid: try deadPID(), startedAt: Date() - 60)
    XCTAssertEqual(try store.markAbandonedRuns(), [recorder.runID])
    let row = try rows(
      store.database,
      """
      SELECT status, ended_at = heartbeat_at, duration_s > 0, final_test_acc, best_test_acc,
             learning_start, final_loss, error LIKE '%ended without finishing%'
      FROM runs
      """)
    XCTAssertEqual(
      row,
      [
        [
          .text("interrupted"), .integer(1), .integer(1), .real(0.75), .real(0.75), .integer(10),
          .real(1.0 / 30), .integer(1),
        ]
      ])
    XCTAssertEqual(try int(store.database, "SELECT count(*) FROM losses"), 30, "metrics kept")
    XCTAssertEqual(try store.markAbandonedRuns(), [], "marked once")
  }

  func testRunOfALiveLocalProcessStaysRunning() throws {
    let store = try RunStore.open(path: path)
    _ = try beginRunning(store, pid: getpid())
    XCTAssertEqual(try store.markAbandonedRuns(), [])
    XCTAssertEqual(try status(store.database), [[.text("running")]])
  }

  func testAReusedPidIsNotTheRunsProcess() throws {
    // This process started long after the run did: its pid was reused.
    let store = try RunStore.open(path: path)
    _ = try beginRunning(store, pid: getpid(), startedAt: Date() - 86_400)
    XCTAssertEqual(try store.markAbandonedRuns().count, 1)
    XCTAssertEqual(try status(store.database), [[.text("interrupted")]])
  }

  func testRunOnAnotherHostIsJudgedByItsHeartbeat() throws {
    let store = try RunStore.open(path: path)
    _ = try beginRunning(store, host: "elsewhere", pid: try deadPID())
    // The pid means nothing on another host; the heartbeat is fresh.
    XCTAssertEqual(try store.markAbandonedRuns(), [])
    let later = RunLiveness(now: Date() + RunLiveness.defaultHeartbeatTimeout - 5)
    XCTAssertEqual(try store.markAbandonedRuns(later), [])
    let silent = RunLiveness(now: Date() + RunLiveness.defaultHeartbeatTimeout + 5)
    XCTAssertEqual(try store.markAbandonedRuns(silent).count, 1)
    XCTAssertEqual(
      try rows(
        store.database, "SELECT status, error LIKE 'no heartbeat from%elsewhere%' FROM runs"),
      [[.text("interrupted"), .integer(1)]])
  }

  func testAHeartbeatRevivesARunWronglyMarked() throws {
    let store = try RunStore.open(path: path)
    let recorder = try beginRunning(store, host: "elsewhere", pid: 1)
    let silent = RunLiveness(now: Date() + RunLiveness.defaultHeartbeatTimeout + 5)
    XCTAssertEqual(try store.markAbandonedRuns(silent).count, 1)
    // Its process was only stalled: the next flush says it is alive.
    try recorder.logLoss(iteration: 31, loss: 0.1)
    try recorder.flush()
    XCTAssertEqual(
      try rows(store.database, "SELECT status, ended_at, error, final_test_acc FROM runs"),
      [[.text("running"), .null, .null, .null]])
    try recorder.finish(status: .completed, endedAt: Date())
    XCTAssertEqual(
      try rows(store.database, "SELECT status, ended_at = heartbeat_at FROM runs"),
      [[.text("completed"), .integer(1)]])
  }

  func testFlushWritesTheHeartbeat() throws {
    let store = try RunStore.open(path: path)
    let before = Date()
    _ = try beginRunning(store, pid: getpid(), startedAt: before - 3600)
    let beat = try rows(store.database, "SELECT heartbeat_at FROM runs")
    guard case .text(let text) = beat.first?.first, let date = Timestamp.date(from: text) else {
      return XCTFail("no heartbeat: \(beat)")
    }
    XCTAssertGreaterThanOrEqual(date, before - 0.001)
    XCTAssertLessThanOrEqual(date, Date() + 0.001)
  }

  func testLivenessRule() {
    let now = Date()
    let rule = RunLiveness(host: "here", now: now, isProcessAlive: { pid, _ in pid == 7 })
    XCTAssertNil(rule.abandonment(host: "here", pid: 7, startedAt: now, heartbeatAt: now - 3600))
    XCTAssertNotNil(rule.abandonment(host: "here", pid: 8, startedAt: now, heartbeatAt: now))
    XCTAssertNil(rule.abandonment(host: "there", pid: 8, startedAt: now, heartbeatAt: now - 599))
    XCTAssertNotNil(rule.abandonment(host: "there", pid: 7, startedAt: now, heartbeatAt: now - 601))
    // No pid: only the heartbeat can tell.
    XCTAssertNil(rule.abandonment(host: "here", pid: nil, startedAt: now, heartbeatAt: now))
    XCTAssertNotNil(
      rule.abandonment(host: "here", pid: nil, startedAt: now, heartbeatAt: now - 601))
  }

  func testMigration0004BackfillsHeartbeats() throws {
    let database = try Database(path: path)
    let before = Migrator.embedded.filter { $0.id < "0004" }
    try Migrator.migrate(database, migrations: before)
    for (seq, status, ended) in [
      (1, "completed", "'2026-01-01T01:00:00.000Z'"), (2, "running", "NULL"),
    ] {
      try database.execute(
        """
        INSERT INTO runs (seq, id, status, optimizer, seed, lr, iters, batch_size, eval_interval,
          hidden, activation, weight_init, batchnorm, dataset, dataset_hash, started_at, ended_at,
          tracker_version, host, command)
        VALUES (\(seq), 'id\(seq)', '\(status)', 'sgd', 1, 0.1, 10, 10, 10, '40,20', 'sigmoid',
          '0.01', 0, 'mnist', 'h', '2026-01-01T00:00:00.000Z', \(ended), '0.1.0', 'h', 'c')
        """)
    }
    try Migrator.migrate(database)
    XCTAssertEqual(
      try rows(database, "SELECT heartbeat_at FROM runs ORDER BY seq"),
      [[.text("2026-01-01T01:00:00.000Z")], [.text("2026-01-01T00:00:00.000Z")]])
  }
}
