// `tracker run` end to end: the real binary on a small synthetic IDX data set.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

final class RunCommandTests: ProcessTestCase {
  /// `tracker run` on the synthetic data with small defaults; extra args override.
  func run(_ extra: [String]) throws -> ProcessResult {
    try TrackerProcess.run(
      ["run", "--db", db, "--data-dir", dataDir.path, "--iters", "60", "--batch-size", "20"] + extra
    )
  }

  func testRunRecordsEverything() throws {
    let r = try run([
      "--opt", "adam", "--seed", "7", "--activation", "relu", "--weight-init", "he", "--name",
      "first try",
      "--tag", "sweep=a", "--tag", "note=it's; \"odd\"\né",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    let line = try XCTUnwrap(r.stdout.split(separator: "\n").last)
    XCTAssertTrue(line.hasPrefix("run ") && line.contains(" completed: adam seed 7"), String(line))
    let id = String(line.split(separator: " ")[1])

    let run = try query(
      """
      SELECT id, optimizer, seed, status, lr, iters, batch_size, eval_interval, beta1, beta2,
             momentum, hidden, activation, weight_init, batchnorm, dataset, length(dataset_hash),
             name, duration_s > 0, ended_at IS NOT NULL, command LIKE '%--opt adam%', tracker_version
      FROM runs
      """)
    XCTAssertEqual(run.count, 1)
    XCTAssertEqual(
      run[0],
      [
        .text(id), .text("adam"), .integer(7), .text("completed"), .real(0.01), .integer(60),
        .integer(20), .integer(10), .real(0.9), .real(0.999), .null, .text("40,20"),
        .text("relu"), .text("he"), .integer(0), .text("custom"), .integer(16),
        .text("first try"), .integer(1), .integer(1), .integer(1), .text("0.1.0"),
      ])
    XCTAssertEqual(
      try query("SELECT count(*), min(iter), max(iter) FROM losses")[0],
      [.integer(60), .integer(1), .integer(60)])
    XCTAssertEqual(
      try query("SELECT count(*), min(iter), max(iter) FROM evals")[0],
      [.integer(6), .integer(10), .integer(60)])
    XCTAssertEqual(
      try query("SELECT key, value FROM run_tags ORDER BY key"),
      [[.text("note"), .text("it's; \"odd\"\né")], [.text("sweep"), .text("a")]])
    // The synthetic classes are easy: adam must learn them.
    let final = try query("SELECT test_acc FROM evals WHERE iter = 60")[0][0]
    guard case .real(let acc) = final else { return XCTFail("no final accuracy") }
    XCTAssertGreaterThan(acc, 0.5)
  }

  func testSameSeedGivesIdenticalMetrics() throws {
    XCTAssertEqual(try run(["--opt", "rmsprop", "--seed", "3"]).status, 0)
    XCTAssertEqual(try run(["--opt", "rmsprop", "--seed", "3", "--threads", "1"]).status, 0)
    XCTAssertEqual(try run(["--opt", "rmsprop", "--seed", "4"]).status, 0)
    let seqs = try query("SELECT seq FROM runs ORDER BY seq").map { $0[0] }
    func metrics(_ seq: SQLValue) throws -> [[SQLValue]] {
      guard case .integer(let s) = seq else { return [] }
      return try query("SELECT iter, loss FROM losses WHERE run_seq = \(s) ORDER BY iter")
        + query("SELECT iter, train_acc, test_acc FROM evals WHERE run_seq = \(s) ORDER BY iter")
    }
    XCTAssertEqual(try metrics(seqs[0]), try metrics(seqs[1]))
    XCTAssertNotEqual(try metrics(seqs[0]), try metrics(seqs[2]))
  }

  func testRandomSeedIsRecorded() throws {
    let r = try run(["--opt", "sgd"])
    XCTAssertEqual(r.status, 0, r.stderr)
    guard case .integer(let seed) = try query("SELECT seed FROM runs")[0][0] else {
      return XCTFail()
    }
    XCTAssertTrue(r.stdout.contains("seed \(UInt64(bitPattern: seed)),"), "\(r.stdout) vs \(seed)")
  }

  // Bad input (options, data, database files) is tried in BadInputTests.

  /// `--run-id` (how sweep names its runs) is the id recorded, and `--timing-json`
  /// prints one JSON object whose parts add up.
  func testRunIDAndTimingJSON() throws {
    let id = UUID().uuidString.lowercased()
    let r = try run(["--opt", "sgd", "--seed", "1", "--quiet", "--run-id", id, "--timing-json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(try query("SELECT id, status FROM runs"), [[.text(id), .text("completed")]])
    let line = try XCTUnwrap(r.stderr.split(separator: "\n").last)
    let timing = try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Double], String(line))
    XCTAssertEqual(
      Set(timing.keys),
      [
        "data_s", "database_s", "loop_s", "engine_s", "recording_s", "recording_percent",
        "total_s",
      ])
    let total = try XCTUnwrap(timing["total_s"])
    XCTAssertLessThanOrEqual(try XCTUnwrap(timing["loop_s"]), total)
    XCTAssertEqual(
      try XCTUnwrap(timing["recording_percent"]),
      100 * (try XCTUnwrap(timing["recording_s"])) / total, accuracy: 1e-9)
  }

  func testHelpTeaches() throws {
    let bare = try TrackerProcess.run([])
    XCTAssertEqual(bare.status, 0)
    XCTAssertTrue(bare.stdout.contains("SUBCOMMANDS") && bare.stdout.contains("run"), bare.stdout)
    let help = try TrackerProcess.run(["run", "--help"])
    XCTAssertEqual(help.status, 0)
    // Help text wraps at the terminal width; compare with whitespace collapsed.
    let text = help.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    for expected in [
      "sgd, momentum, adagrad, rmsprop, adam", "--lr", "default: 0.01", "--tag",
      "tracker run --opt adam",
    ] {
      XCTAssertTrue(text.contains(expected), "help lacks \(expected)")
    }
  }

  func testMissingMNISTNamesTheFetchCommand() throws {
    let r = try TrackerProcess.run(
      ["run", "--opt", "adam", "--db", db],
      environment: ["TRACKER_DATA_DIR": dir.appendingPathComponent("nodata").path])
    XCTAssertNotEqual(r.status, 0)
    XCTAssertTrue(r.stderr.contains("scripts/fetch-mnist"), r.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: db))
  }

  func testTrackerDBEnvironmentVariable() throws {
    let r = try TrackerProcess.run(
      ["run", "--opt", "sgd", "--seed", "1", "--data-dir", dataDir.path, "--iters", "20"],
      environment: ["TRACKER_DB": db])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(try query("SELECT count(*) FROM runs")[0], [.integer(1)])
  }

  func testInterruptMarksRunInterruptedAndKeepsMetrics() throws {
    let process = Process()
    process.executableURL = TrackerProcess.executable
    process.arguments = [
      "run", "--opt", "adam", "--db", db, "--data-dir", dataDir.path, "--iters", "10000000",
      "--batch-size", "10", "--eval-interval", "1000", "--quiet",
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    // Wait until some metrics were flushed, then Ctrl-C.
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline {
      Thread.sleep(forTimeInterval: 0.2)
      if FileManager.default.fileExists(atPath: db),
        let rows = try? query("SELECT count(*) FROM losses"), rows[0][0] != .integer(0)
      {
        break
      }
    }
    process.interrupt()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 130)
    let row = try query("SELECT status, error IS NOT NULL, ended_at IS NOT NULL FROM runs")[0]
    XCTAssertEqual(row, [.text("interrupted"), .integer(1), .integer(1)])
    let losses = try query("SELECT count(*), max(iter) FROM losses")[0]
    guard case .integer(let n) = losses[0], case .integer(let last) = losses[1] else {
      return XCTFail("\(losses)")
    }
    XCTAssertGreaterThan(n, 0)
    XCTAssertEqual(n, last, "every iteration up to the stop is recorded")
    XCTAssertEqual(try query("PRAGMA integrity_check")[0], [.text("ok")])
  }
}
