// `tracker run` end to end: the real binary on a small synthetic IDX data set.
import Foundation
import TrackerStore
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
        .text("relu"), .text("he"), .integer(0), .text("mnist"), .integer(16),
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

  /// Each bad input: non-zero exit, a message naming the problem, the database unchanged.
  func testBadInputLeavesDatabaseUntouched() throws {
    XCTAssertEqual(try run(["--opt", "adam", "--seed", "1"]).status, 0)
    let before = try Data(contentsOf: URL(fileURLWithPath: db))
    let textFile = dir.appendingPathComponent("notes.txt")
    try "not a database\n".write(to: textFile, atomically: true, encoding: .utf8)
    let emptyData = dir.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: emptyData, withIntermediateDirectories: true)

    let cases: [([String], String)] = [
      (["--opt", "adamw"], "'sgd', 'momentum', 'adagrad', 'rmsprop' or 'adam'"),
      (["--opt", "adam", "--lr", "-1"], "--lr"),
      (["--opt", "adam", "--lr", "nan"], "--lr"),
      (["--opt", "adam", "--lr", "1e400"], "--lr"),
      (["--opt", "adam", "--iters", "0"], "--iters"),
      (["--opt", "adam", "--batch-size", "0"], "--batch-size"),
      (["--opt", "adam", "--batch-size", "601"], "--batch-size"),
      (["--opt", "adam", "--hidden", ""], "--hidden"),
      (["--opt", "adam", "--hidden", "40,,20"], "--hidden"),
      (["--opt", "adam", "--hidden", "0"], "--hidden"),
      (["--opt", "adam", "--eval-interval", "100"], "--eval-interval"),
      (["--opt", "adam", "--weight-init", "big"], "--weight-init"),
      (["--opt", "adam", "--tag", "novalue"], "--tag"),
      (["--opt", "adam", "--data-dir", emptyData.path], "train-images-idx3-ubyte"),
    ]
    for (args, expected) in cases {
      let r = try run(args)
      XCTAssertNotEqual(r.status, 0, "\(args) should fail")
      XCTAssertTrue(r.stderr.contains(expected), "\(args): \(r.stderr)")
      XCTAssertTrue(r.stdout.isEmpty, "\(args): \(r.stdout)")
    }
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before)

    let dbCases: [(String, String)] = [
      (dir.path, "--db"),
      (textFile.path, "not a SQLite database"),
      (dir.appendingPathComponent("missing/t.sqlite").path, "--db"),
    ]
    for (path, expected) in dbCases {
      let r = try TrackerProcess.run(
        ["run", "--opt", "adam", "--db", path, "--data-dir", dataDir.path, "--iters", "20"])
      XCTAssertNotEqual(r.status, 0, path)
      XCTAssertTrue(r.stderr.contains(expected), "\(path): \(r.stderr)")
    }
    XCTAssertEqual(try String(contentsOf: textFile, encoding: .utf8), "not a database\n")
    XCTAssertFalse(
      FileManager.default.fileExists(atPath: dir.appendingPathComponent("missing").path))
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
