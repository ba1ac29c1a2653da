// `tracker sweep` end to end: the real binary running its grid as child processes
// on a small synthetic data set.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

final class SweepCommandTests: ProcessTestCase {
  func sweep(_ extra: [String]) throws -> ProcessResult {
    try tracker(
      ["sweep", "--db", db, "--data-dir", dataDir.path, "--iters", "40", "--batch-size", "20"]
        + extra)
  }

  func testSweepRunsTheGridThenSkipsWhatIsDone() throws {
    let args = [
      "--opt", "sgd,adam", "--seeds", "1-2", "--lr", "0.1", "--lr", "0.01", "--jobs", "2",
    ]
    let first = try sweep(args)
    XCTAssertEqual(first.status, 0, first.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE status = 'completed'"), 8)
    XCTAssertEqual(
      try query("SELECT DISTINCT optimizer, seed, lr FROM runs ORDER BY 1, 2, 3").count, 8)
    XCTAssertEqual(try int("SELECT count(*) FROM losses"), 8 * 40)
    // Progress: one line per run with done/total, and the time left.
    XCTAssertTrue(first.stderr.contains("[8/8] "), first.stderr)
    XCTAssertTrue(first.stderr.contains("left"), first.stderr)
    // The comparison, as compare prints it: one row per optimizer and lr.
    for label in ["sgd lr=0.01", "sgd lr=0.1", "adam lr=0.01", "adam lr=0.1"] {
      XCTAssertTrue(first.stdout.contains(label), first.stdout)
    }
    // The same rows as compare prints.
    func rows(_ text: String) -> [Substring] {
      text.split(separator: "\n").filter { $0.hasPrefix("sgd") || $0.hasPrefix("adam") }
    }
    XCTAssertEqual(rows(try tracker(["compare", "--db", db]).stdout), rows(first.stdout))

    // Again: everything is skipped, and said so; nothing new is recorded.
    let second = try sweep(args)
    XCTAssertEqual(second.status, 0, second.stderr)
    XCTAssertEqual(second.stderr.components(separatedBy: "skipped, already completed").count, 9)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 8)
    XCTAssertEqual(second.stdout, first.stdout)

    // A bigger grid runs only what is missing (seed 3).
    let third = try sweep([
      "--opt", "sgd,adam", "--seeds", "1-3", "--lr", "0.1,0.01", "--jobs", "2",
    ])
    XCTAssertEqual(third.status, 0, third.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 12)
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE seed = 3"), 4)
  }

  func testOptimizerOptionsMultiplyOnlyTheirRuns() throws {
    let r = try sweep([
      "--opt", "sgd,momentum", "--seeds", "1", "--momentum", "0.5,0.9", "--hidden", "30",
      "--hidden", "20,10", "--tag", "grid=a b",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    // sgd: 2 architectures; momentum: 2 architectures × 2 momentum values.
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE optimizer = 'sgd'"), 2)
    XCTAssertEqual(
      try query("SELECT DISTINCT momentum, hidden FROM runs WHERE optimizer = 'momentum'").count, 4)
    XCTAssertEqual(try int("SELECT count(*) FROM run_tags WHERE key = 'grid' AND value = 'a b'"), 6)
  }

  func testOneFailingRunDoesNotStopTheOthers() throws {
    // relu with a huge rate overflows: those runs diverge, the others complete.
    let r = try sweep([
      "--opt", "sgd", "--seeds", "1-2", "--lr", "1e10,0.1", "--activation", "relu",
      "--weight-init", "he", "--jobs", "2",
    ])
    XCTAssertEqual(r.status, 1, "not every run completed")
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE status = 'completed'"), 2)
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE status = 'diverged'"), 2)
    // How each run ended is read back from the database, numbers included.
    for pattern in [#"diverged at iteration \d+"#, #"completed, final test acc \d+\.\d+%"#] {
      XCTAssertNotNil(r.stderr.range(of: pattern, options: .regularExpression), r.stderr)
    }
    XCTAssertTrue(r.stderr.contains("2 completed, 2 diverged"), r.stderr)
    // Counted, not averaged in: the table has the completed group only.
    XCTAssertTrue(
      r.stdout.contains("not averaged in: sgd lr=10000000000 (2 runs);"), r.stdout)
    let table = r.stdout.split(separator: "\n").filter { $0.hasPrefix("sgd") }
    XCTAssertEqual(table.count, 1, r.stdout)
    XCTAssertTrue(table[0].hasPrefix("sgd ") && table[0].contains(" 2 "), r.stdout)
  }

  func testCtrlCStopsTheChildrenAndExits130() throws {
    let sweep = try BackgroundTracker([
      "sweep", "--db", db, "--data-dir", dataDir.path, "--opt", "sgd,adam", "--seeds", "1-3",
      "--iters", "10000000", "--batch-size", "10", "--eval-interval", "1000", "--jobs", "2",
    ])
    XCTAssertTrue(wait { flushedRuns() == 2 })
    sweep.signal(SIGINT)
    let r = try sweep.finish()
    XCTAssertEqual(r.status, 130, r.stderr)
    XCTAssertTrue(r.stderr.contains("2 interrupted, 4 not started"), r.stderr)
    XCTAssertTrue(r.stderr.contains("run the same command again"), r.stderr)
    let runs = try query("SELECT status, ended_at IS NOT NULL, pid FROM runs")
    XCTAssertEqual(runs.count, 2)
    for run in runs {
      XCTAssertEqual(Array(run.prefix(2)), [.text("interrupted"), .integer(1)])
      guard case .integer(let pid) = run[2] else { return XCTFail("no pid") }
      XCTAssertFalse(
        ProcessProbe.isAlive(pid: Int32(pid), runStartedAt: Date()), "child \(pid) left")
    }
    XCTAssertEqual(try query("PRAGMA integrity_check"), [[.text("ok")]])
  }

  func testBadSweepInputChangesNothing() throws {
    XCTAssertEqual(try sweep(["--opt", "adam", "--seeds", "1"]).status, 0)
    let before = try Data(contentsOf: URL(fileURLWithPath: db))
    let cases: [([String], String)] = [
      (["--opt", "adam", "--seeds", "5-1"], "runs backwards, write 1-5"),
      (["--opt", "adam", "--seeds", "a"], "--seeds 'a' is not valid"),
      (["--opt", "adam", "--seeds", "1,,2"], "--seeds"),
      (["--opt", "adamw", "--seeds", "1"], "unknown optimizer 'adamw'; did you mean 'adam'?"),
      (["--opt", "adam", "--seeds", "1", "--lr", "0.1,-1"], "--lr must be a positive"),
      (["--opt", "adam", "--seeds", "1", "--lr", "-1"], "--lr must be a positive"),
      (["--opt", "adam", "--seeds", "1", "--lr", "0.1,,0.01"], "empty value"),
      (["--opt", "adam", "--seeds", "1", "--iters", "0"], "--iters"),
      (["--opt", "adam", "--seeds", "1", "--hidden", "40,,20"], "--hidden"),
      (["--opt", "adam", "--seeds", "1", "--eval-interval", "100"], "--eval-interval"),
      (["--opt", "adam", "--seeds", "1", "--batch-size", "601"], "larger than the training set"),
      (["--opt", "adam", "--seeds", "1", "--jobs", "0"], "--jobs"),
      (["--opt", "adam", "--seeds", "1-100000"], "more than 10000"),
      (["--opt", "adam", "--seeds", "1", "--bogus"], "Unknown option '--bogus'"),
    ]
    for (args, expected) in cases {
      let r = try sweep(args)
      XCTAssertNotEqual(r.status, 0, "\(args) should fail")
      XCTAssertTrue(r.stderr.contains(expected), "\(args): \(r.stderr)")
      XCTAssertTrue(r.stdout.isEmpty, "\(args): \(r.stdout)")
    }
    let missing = try tracker([
      "sweep", "--db", db, "--data-dir", dir.appendingPathComponent("none").path, "--opt", "adam",
      "--seeds", "1-3",
    ])
    XCTAssertEqual(missing.status, 1)
    XCTAssertTrue(missing.stderr.contains("data file not found"), missing.stderr)
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before)
  }
}
