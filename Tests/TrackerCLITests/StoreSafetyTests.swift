// StoreSafetyTests: issue 10's attacks on the store, against the real binary:
// deleting a running run, a long write lock, huge options, read-only commands
// on files that are not tracker databases, --db values that are not paths, a
// damaged schema, a full disk. PRAGMA integrity_check stays ok after each.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

final class StoreSafetyTests: ProcessTestCase {
  private func runArgs(_ extra: [String], db path: String? = nil) -> [String] {
    ["run", "--db", path ?? db, "--data-dir", dataDir.path, "--batch-size", "10", "--quiet"]
      + extra
  }

  private func startLongRun(seed: Int = 1) throws -> BackgroundTracker {
    try BackgroundTracker(
      runArgs([
        "--opt", "adam", "--seed", String(seed), "--iters", "10000000", "--eval-interval", "1000",
      ]))
  }

  private func assertIntact(
    _ path: String? = nil, file: StaticString = #filePath, line: UInt = #line
  )
    throws
  {
    let database = try Database(path: path ?? db, mode: .readOnly)
    var result: [String] = []
    try database.prepare("PRAGMA integrity_check").forEachRow { result.append($0.text(0)) }
    XCTAssertEqual(result, ["ok"], file: file, line: line)
  }

  /// Asserts a failure whose stderr is exactly one "Error: ..." line (plus
  /// argument-parser's usage lines for option errors) containing `expected`.
  private func assertOneLineError(
    _ result: ProcessResult, _ expected: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertNotEqual(result.status, 0, result.stdout, file: file, line: line)
    let lines = result.stderr.split(separator: "\n").filter {
      !$0.hasPrefix("Usage:") && !$0.hasPrefix("  See ")
    }
    XCTAssertEqual(lines.count, 1, result.stderr, file: file, line: line)
    XCTAssertTrue(
      lines.first?.hasPrefix("Error: ") == true && result.stderr.contains(expected),
      "expected '\(expected)' in: \(result.stderr)", file: file, line: line)
  }

  // MARK: - 1. Deleting a running run

  func testDeleteRefusesALiveRunAndForceStopsItCleanly() throws {
    let run = try startLongRun()
    XCTAssertTrue(wait { flushedRuns() == 1 })
    guard case .text(let id) = try query("SELECT id FROM runs").first?.first else {
      return XCTFail("no run")
    }
    let refused = try tracker(["delete", "--db", db, "--yes", String(id.prefix(8))])
    assertOneLineError(
      refused,
      "run \(id.prefix(8)) is still running (pid \(run.pid) on \(RunLiveness.currentHost));"
        + " stop it first, or pass --force to stop and delete it")
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE status = 'running'"), 1)

    let forced = try tracker(["delete", "--db", db, "--yes", "--force", String(id.prefix(8))])
    XCTAssertEqual(forced.status, 0, forced.stderr)
    XCTAssertTrue(forced.stdout.hasPrefix("deleted 1 run:"), forced.stdout)
    let stopped = try run.finish()
    XCTAssertEqual(stopped.status, 143, "stopped by SIGTERM: \(stopped.stderr)")
    XCTAssertTrue(stopped.stdout.contains(" interrupted (after "), stopped.stdout)
    for table in ["runs", "run_tags", "losses", "evals"] {
      XCTAssertEqual(try int("SELECT count(*) FROM \(table)"), 0, table)
    }
    try assertIntact()
  }

  func testARunDeletedUnderItStopsWithOneLineAndTheNextRunKeepsItsOwnRows() throws {
    let first = try startLongRun()
    XCTAssertTrue(wait { flushedRuns() == 1 })
    guard case .text(let id) = try query("SELECT id FROM runs").first?.first else {
      return XCTFail("no run")
    }
    // Deleted behind its back (by hand, or from another host).
    _ = try query("DELETE FROM runs")
    let second = try tracker(runArgs(["--opt", "sgd", "--seed", "2", "--iters", "300"]))
    XCTAssertEqual(second.status, 0, second.stderr)
    let ended = try first.finish()
    XCTAssertEqual(ended.status, 1, ended.stderr)
    XCTAssertEqual(ended.stderr, "Error: run \(id) was deleted while it ran; stopping\n")
    XCTAssertEqual(ended.stdout, "", "no 'completed' for a run that is gone")

    XCTAssertEqual(
      try query("SELECT seq, status, optimizer FROM runs"),
      [[.integer(2), .text("completed"), .text("sgd")]], "a new number, not the deleted run's")
    XCTAssertEqual(try int("SELECT count(*) FROM losses"), 300, "only the second run's rows")
    XCTAssertEqual(try int("SELECT count(*) FROM losses WHERE run_seq <> 2"), 0)
    try assertIntact()
  }

  // MARK: - 3. A long write lock

  func testARunStartsWhileAnotherProcessHoldsTheWriteLockForSevenSeconds() throws {
    let setup = try tracker(runArgs(["--opt", "sgd", "--seed", "1", "--iters", "20"]))
    XCTAssertEqual(setup.status, 0, setup.stderr)
    let holder = try Database(path: db)
    try holder.execute("BEGIN IMMEDIATE")
    let run = try BackgroundTracker(runArgs(["--opt", "sgd", "--seed", "2", "--iters", "50"]))
    Thread.sleep(forTimeInterval: 7)  // longer than the 5 s busy timeout
    XCTAssertTrue(run.process.isRunning, "waited for the lock instead of failing")
    try holder.execute("COMMIT")
    let result = try run.finish()
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertFalse(result.stderr.contains("locked"), result.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE status = 'completed'"), 2)
    try assertIntact()
  }

  // MARK: - 4. Options that would allocate in proportion

  func testHugeIterationsAndEvalIntervalsAreRefusedWithOneLine() throws {
    let cases: [([String], String)] = [
      (
        ["--iters", "1099511627776", "--eval-interval", "1099511627776"],
        "--iters must be at most 100000000 (got 1099511627776)"
      ),
      (
        ["--iters", "9223372036854775807", "--eval-interval", "9223372036854775807"],
        "--iters must be at most 100000000"
      ),
      (
        ["--iters", "100000000", "--eval-interval", "100001"],
        "--eval-interval must be at most 100000 (got 100001)"
      ),
    ]
    for (options, expected) in cases {
      assertOneLineError(try tracker(runArgs(["--opt", "sgd"] + options)), expected)
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: db), "nothing recorded")
  }

  // MARK: - 5. Read-only commands

  /// Every command that reads, and delete, on `path`: all must fail.
  private func readCommands(_ path: String) -> [[String]] {
    [
      ["list", "--db", path], ["show", "--db", path, "abc"], ["compare", "--db", path],
      ["plot", "--db", path, "-o", dir.appendingPathComponent("p.svg").path],
      ["report", "--db", path, "-o", dir.appendingPathComponent("r.html").path],
      ["delete", "--db", path, "--yes", "abc"],
    ]
  }

  func testReadOnlyCommandsLeaveAnEmptyFileEmpty() throws {
    let empty = dir.appendingPathComponent("empty.sqlite").path
    FileManager.default.createFile(atPath: empty, contents: Data())
    for command in readCommands(empty) {
      assertOneLineError(try tracker(command), "'\(empty)' is empty, not a tracker database")
    }
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: empty)), Data())
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(),
      ["data", "empty.sqlite"])
  }

  func testAnotherApplicationsDatabaseIsLeftByteIdentical() throws {
    let other = dir.appendingPathComponent("other.sqlite").path
    do {
      let database = try Database(path: other)
      try database.execute("PRAGMA journal_mode = DELETE")
      try database.execute("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')")
    }
    let before = try Data(contentsOf: URL(fileURLWithPath: other))
    for command in readCommands(other) + [runArgs(["--opt", "sgd", "--iters", "10"], db: other)] {
      assertOneLineError(try tracker(command), "'\(other)' is not a tracker database")
    }
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: other)), before)
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(),
      ["data", "other.sqlite"], "no -wal, -shm or output files")
  }

  func testAReadOnlyDatabaseCanBeRead() throws {
    let setup = try tracker(runArgs(["--opt", "sgd", "--seed", "7", "--iters", "20"]))
    XCTAssertEqual(setup.status, 0, setup.stderr)
    try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: db)
    let before = try Data(contentsOf: URL(fileURLWithPath: db))
    let list = try tracker(["list", "--db", db, "--format", "csv"])
    XCTAssertEqual(list.status, 0, list.stderr)
    XCTAssertTrue(list.stdout.contains(",completed,sgd,7,"), list.stdout)
    XCTAssertEqual(try tracker(["compare", "--db", db]).status, 0)
    assertOneLineError(
      try tracker(runArgs(["--opt", "sgd", "--iters", "10"])), "'\(db)' is read-only")
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before)
  }

  // MARK: - 6. --db values that are not paths

  func testDatabaseValuesThatAreNotPlainPathsAreRefused() throws {
    // A read-only database named in a URI that would reopen it writable.
    let setup = try tracker(runArgs(["--opt", "sgd", "--iters", "20"]))
    XCTAssertEqual(setup.status, 0, setup.stderr)
    try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: db)
    let before = try Data(contentsOf: URL(fileURLWithPath: db))
    let fifo = dir.appendingPathComponent("fifo").path
    XCTAssertEqual(mkfifo(fifo, 0o644), 0)
    // Relative values are read in `dir`, where t.sqlite is the database.
    for (value, expected) in DatabaseFiles.unusablePaths(fifo: fifo) {
      let run = try TrackerProcess.run(
        ["run", "--db", value, "--data-dir", dataDir.path, "--opt", "sgd", "--iters", "10"],
        cwd: dir)
      assertOneLineError(run, expected)
      XCTAssertFalse(run.stdout.contains("completed"), run.stdout)
      assertOneLineError(try TrackerProcess.run(["list", "--db", value], cwd: dir), expected)
    }
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before)
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(),
      ["data", "fifo", "t.sqlite"])
  }

  // MARK: - 7. Damage

  func testADamagedSchemaIsRefusedBeforeTraining() throws {
    let setup = try tracker(runArgs(["--opt", "sgd", "--iters", "20"]))
    XCTAssertEqual(setup.status, 0, setup.stderr)
    _ = try query("DROP TABLE losses")
    let expected =
      "Error: '\(db)' is damaged (table losses is missing); restore it from a backup or pass a"
      + " different --db\n"
    let run = try tracker(runArgs(["--opt", "sgd", "--iters", "100000"]))
    XCTAssertEqual(run.status, 1)
    XCTAssertEqual(run.stderr, expected)
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE status = 'running'"), 0)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 1, "no run begun")
    XCTAssertEqual(try tracker(["list", "--db", db]).stderr, expected)
    try assertIntact()
  }

  func testACorruptedFileGivesOneLine() throws {
    let setup = try tracker(runArgs(["--opt", "sgd", "--iters", "3000", "--eval-interval", "10"]))
    XCTAssertEqual(setup.status, 0, setup.stderr)
    guard case .text(let id) = try query("SELECT id FROM runs").first?.first else {
      return XCTFail("no run")
    }
    var bytes = try Data(contentsOf: URL(fileURLWithPath: db))
    bytes.replaceSubrange(
      (bytes.count - 8192)..<bytes.count, with: Data(repeating: 0xFF, count: 8192))
    try bytes.write(to: URL(fileURLWithPath: db))
    for command in [["list"], ["compare", "--status", "all"], ["show", id]] {
      let result = try tracker(command + ["--db", db])
      if result.status == 0 { continue }  // the damaged pages were not needed
      XCTAssertEqual(
        result.stderr,
        "Error: '\(db)' is damaged (database disk image is malformed); restore it from a backup"
          + " or pass a different --db\n")
    }
  }

  // MARK: - 8. Input gaps

  func testSettingsOfAnotherOptimizerAreCheckedAndNoted() throws {
    assertOneLineError(
      try tracker(runArgs(["--opt", "sgd", "--momentum", "nan"])),
      "--momentum must be in [0, 1) (got nan)")
    assertOneLineError(
      try tracker(runArgs(["--opt", "adam", "--adagrad-theta", "-1"])),
      "--adagrad-theta must be a positive finite number (got -1.0)")
    let noted = try tracker(runArgs(["--opt", "sgd", "--momentum", "0.5", "--iters", "20"]))
    XCTAssertEqual(noted.status, 0, noted.stderr)
    XCTAssertEqual(noted.stderr, "note: --momentum is not used by --opt sgd; ignored\n")
    XCTAssertEqual(try query("SELECT momentum FROM runs"), [[.null]])
  }

  func testSeedsAreStoredLosslesslyOrRefused() throws {
    assertOneLineError(
      try tracker(runArgs(["--opt", "sgd", "--seed", "9223372036854775808"])),
      "--seed must be at most 9223372036854775807 (got 9223372036854775808)")
    let largest = try tracker(
      runArgs(["--opt", "sgd", "--seed", "9223372036854775807", "--iters", "20"]))
    XCTAssertEqual(largest.status, 0, largest.stderr)
    XCTAssertEqual(try query("SELECT seed FROM runs"), [[.integer(Int64.max)]])
    let list = try tracker(["list", "--db", db, "--format", "csv"])
    XCTAssertTrue(list.stdout.contains(",9223372036854775807,"), list.stdout)
  }

  func testNamesAndTagsWithControlCharactersAreEscapedOnTheTerminal() throws {
    let name = "evil\u{1B}[2J\u{1B}[31mred\nsecond line"
    let run = try tracker(
      runArgs(["--opt", "sgd", "--iters", "20", "--name", name, "--tag", "k=a\r\nb"]))
    XCTAssertEqual(run.status, 0, run.stderr)
    let table = try tracker(["list", "--db", db])
    XCTAssertTrue(
      table.stdout.contains("evil\\u{1B}[2J\\u{1B}[31mred\\nsecond line k=a\\r\\nb"),
      table.stdout)
    XCTAssertFalse(table.stdout.unicodeScalars.contains("\u{1B}"), "no escape code printed")
    XCTAssertEqual(table.stdout.split(separator: "\n").count, 3, "two header lines, one row")
    let show = try tracker([
      "show", "--db", db, String(table.stdout.split(separator: "\n")[2].prefix(8)),
    ])
    XCTAssertFalse(show.stdout.unicodeScalars.contains("\u{1B}"), show.stdout)
    // CSV keeps the text exactly, quoted per RFC 4180 ("\r\n" included).
    let csv = try tracker(["list", "--db", db, "--format", "csv"])
    XCTAssertTrue(csv.stdout.contains(",\"\(name)\",completed,"), csv.stdout)
    XCTAssertTrue(csv.stdout.contains(",\"k=a\r\nb\","), csv.stdout)
  }

  /// Needs root, to mount a 512 KB tmpfs that the run fills.
  func testAFullDiskLeavesNoRunSilentlyRunning() throws {
    let small = dir.appendingPathComponent("small")
    try FileManager.default.createDirectory(at: small, withIntermediateDirectories: false)
    guard command("/bin/mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", small.path]) else {
      throw XCTSkip("needs root to mount a small tmpfs")
    }
    defer { _ = command("/bin/umount", [small.path]) }
    let path = small.appendingPathComponent("t.sqlite").path
    let run = try tracker(
      runArgs(["--opt", "sgd", "--iters", "1000000", "--eval-interval", "1000"], db: path))
    XCTAssertEqual(run.status, 1, run.stdout)
    XCTAssertTrue(run.stderr.contains("disk is full"), run.stderr)
    // Nothing more can be written, so the run can't be marked; list says so.
    let list = try tracker(["list", "--db", path])
    XCTAssertEqual(list.status, 0, list.stderr)
    let status = try query("SELECT status FROM runs", path: path)
    if status == [[.text("running")]] {
      XCTAssertTrue(
        list.stderr.contains("is stored as running, but its process")
          && list.stderr.contains("ended without finishing the run; it could not be marked"),
        list.stderr)
    } else {
      // Marked failed when its end could still be written, else interrupted by list.
      XCTAssertTrue(
        status == [[.text("failed")]] || status == [[.text("interrupted")]], "\(status)")
    }
    try assertIntact(path)
  }

  private func command(_ executable: String, _ arguments: [String]) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
  }
}
