// RunStoreTests: a run's rows as written by RunStore/RunRecorder, read back
// with plain SQL: the runs row, tags, losses, evals and the final status.
import Foundation
import XCTest

@testable import TrackerStore

final class RunStoreTests: StoreTestCase {
  func testFullRunReadsBack() throws {
    let store = try RunStore.open(path: path)
    let database = store.database
    let run = makeRun()
    let recorder = try store.begin(run)
    XCTAssertEqual(recorder.runID, run.id)
    XCTAssertEqual(
      try rows(database, "SELECT status, ended_at FROM runs"), [[.text("running"), .null]])

    for i in 1...1000 {
      let loss = i == 500 ? Double.nan : (i == 501 ? Double.infinity : 1.0 / Double(i))
      try recorder.logLoss(iteration: i, loss: loss)
      if i % 10 == 0 {
        try recorder.logEvaluation(
          iteration: i, trainAccuracy: Double(i) / 1000, testAccuracy: Double(i) / 2000)
      }
    }
    let endedAt = run.startedAt + 12.5
    try recorder.finish(status: .completed, endedAt: endedAt)

    let seq: SQLValue = .integer(recorder.seq)
    XCTAssertEqual(try int(database, "SELECT count(*) FROM losses WHERE run_seq = ?", [seq]), 1000)
    XCTAssertEqual(try int(database, "SELECT count(*) FROM evals WHERE run_seq = ?", [seq]), 100)
    XCTAssertEqual(try int(database, "SELECT min(iter) FROM losses"), 1)
    XCTAssertEqual(try int(database, "SELECT max(iter) FROM losses"), 1000)
    XCTAssertEqual(
      try rows(database, "SELECT loss FROM losses WHERE iter IN (4, 500, 501) ORDER BY iter"),
      [
        [.real(0.25)], [.null], [.null],
      ])
    XCTAssertEqual(try int(database, "SELECT count(*) FROM losses WHERE loss IS NULL"), 2)
    XCTAssertEqual(
      try rows(database, "SELECT train_acc, test_acc FROM evals WHERE iter = 250"),
      [
        [.real(0.25), .real(0.125)]
      ])

    let runRow = try XCTUnwrap(
      rows(
        database,
        """
        SELECT status, started_at, ended_at, duration_s, error, diverged_at, name, optimizer, seed, lr,
               momentum, beta1, beta2, batchnorm, pid, hidden
        FROM runs WHERE id = ?
        """, [.text(run.id)]
      ).first)
    XCTAssertEqual(
      runRow,
      [
        .text("completed"), .text("2026-11-29T12:00:00.250Z"), .text("2026-11-29T12:00:12.750Z"),
        .real(12.5),
        .null, .null, .text("adam-1"), .text("adam"), .integer(42), .real(0.001), .null, .real(0.9),
        .real(0.999), .integer(1), .integer(1234), .text("40,20"),
      ])
  }

  func testFailedAndDivergedRunsRecordWhy() throws {
    let store = try RunStore.open(path: path)
    let run = makeRun()
    let recorder = try store.begin(run)
    try recorder.logLoss(iteration: 1, loss: .nan)
    try recorder.finish(
      status: .diverged, endedAt: run.startedAt + 1, error: "loss is NaN", divergedAt: 1)
    XCTAssertEqual(
      try rows(store.database, "SELECT status, error, diverged_at FROM runs"),
      [[.text("diverged"), .text("loss is NaN"), .integer(1)]])
  }

  func testTagsAreStoredExactly() throws {
    let tags: [(key: String, value: String)] = [
      ("note", "it's \"quoted\"; DROP TABLE runs; --"),
      ("multi", "line one\nline two\r\n\ttabbed"),
      ("ünïcødé", "日本語 🚀 e\u{301}"),
      ("empty", ""),
    ]
    let store = try RunStore.open(path: path)
    let recorder = try store.begin(makeRun(tags: tags))
    let stored = try rows(
      store.database, "SELECT key, value FROM run_tags WHERE run_seq = ?", [.integer(recorder.seq)])
    let expected = tags.map { [SQLValue.text($0.key), .text($0.value)] }
    XCTAssertEqual(
      stored.sorted { "\($0)" < "\($1)" }, expected.sorted { "\($0)" < "\($1)" })
    XCTAssertEqual(try int(store.database, "SELECT count(*) FROM runs"), 1)
  }

  func testBeginRejectsBadInputWithoutWriting() throws {
    let store = try RunStore.open(path: path)
    XCTAssertThrowsError(try store.begin(makeRun(id: "not-a-uuid"))) {
      XCTAssertTrue($0 is StoreError)
    }
    XCTAssertThrowsError(try store.begin(makeRun(id: UUID().uuidString.uppercased()))) {
      XCTAssertTrue($0 is StoreError)
    }
    XCTAssertThrowsError(try store.begin(makeRun(tags: [("k", "1"), ("k", "2")]))) { error in
      XCTAssertEqual("\(error)", "tag 'k' is given twice; give each tag key once")
    }
    let run = makeRun()
    _ = try store.begin(run)
    XCTAssertThrowsError(try store.begin(run)) { XCTAssertEqual(($0 as? SQLiteError)?.code, 2067) }
    XCTAssertEqual(try int(store.database, "SELECT count(*) FROM runs"), 1)
    XCTAssertEqual(try int(store.database, "SELECT count(*) FROM run_tags"), 0)
  }

  /// Metrics reach the file while the run goes, in batches, before `finish`:
  /// a killed run keeps what it logged.
  func testMetricsAreWrittenInBatchesBeforeFinish() throws {
    let store = try RunStore.open(path: path)
    let other = try Database(path: path)
    let recorder = try store.begin(makeRun())
    for i in 1...255 { try recorder.logLoss(iteration: i, loss: 1) }
    XCTAssertEqual(try int(other, "SELECT count(*) FROM losses"), 0, "flushed before 256 rows")
    try recorder.logLoss(iteration: 256, loss: 1)
    XCTAssertEqual(try int(other, "SELECT count(*) FROM losses"), 256)
    try recorder.logEvaluation(iteration: 257, trainAccuracy: 0.5, testAccuracy: 0.5)
    Thread.sleep(forTimeInterval: 1.05)
    try recorder.logLoss(iteration: 257, loss: 1)
    XCTAssertEqual(try int(other, "SELECT count(*) FROM losses"), 257, "not flushed after 1 s")
    XCTAssertEqual(try int(other, "SELECT count(*) FROM evals"), 1)
  }

  /// A batch that can't be written must not leave the run `running`: the end
  /// is recorded anyway and `error` says what was lost.
  func testFinishRecordsTheEndEvenWhenBufferedRowsFail() throws {
    let store = try RunStore.open(path: path)
    let run = makeRun()
    let recorder = try store.begin(run)
    try recorder.logLoss(iteration: 1, loss: 0.5)
    try recorder.logLoss(iteration: 1, loss: 0.4)  // duplicate key: the batch fails
    try recorder.finish(status: .completed, endedAt: run.startedAt + 2, error: "note")
    let row = try XCTUnwrap(rows(store.database, "SELECT status, error FROM runs").first)
    XCTAssertEqual(row[0], .text("completed"))
    guard case .text(let error) = row[1] else { return XCTFail("error is \(row[1])") }
    XCTAssertTrue(
      error.hasPrefix("note; 2 buffered metric rows were not saved: SQLite error 1555:"), error)
    XCTAssertEqual(try int(store.database, "SELECT count(*) FROM losses"), 0)
    XCTAssertThrowsError(try recorder.finish(status: .failed, endedAt: Date())) {
      XCTAssertTrue($0 is StoreError)
    }
  }

  func testTimestampsRoundTrip() throws {
    let date = Date(timeIntervalSince1970: 1_795_953_600.123)
    XCTAssertEqual(Timestamp.string(from: date), "2026-11-29T12:00:00.123Z")
    XCTAssertEqual(Timestamp.date(from: "2026-11-29T12:00:00.123Z"), date)
    XCTAssertEqual(
      Timestamp.string(from: Date(timeIntervalSince1970: -0.5)), "1969-12-31T23:59:59.500Z")
    XCTAssertNil(Timestamp.date(from: "2026-11-19 07:46:40"))
  }
}
