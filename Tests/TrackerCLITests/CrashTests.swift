// Runs that end badly, with real processes: SIGTERM, kill -9 and a loss that
// becomes NaN. The database must stay intact and say what happened.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

final class CrashTests: ProcessTestCase {
  /// A run long enough to be stopped from outside.
  func startLongRun() throws -> BackgroundTracker {
    try BackgroundTracker([
      "run", "--opt", "adam", "--seed", "1", "--db", db, "--data-dir", dataDir.path, "--iters",
      "10000000", "--batch-size", "10", "--eval-interval", "1000", "--quiet",
    ])
  }

  func testSIGTERMFlushesMarksInterruptedAndExits143() throws {
    let run = try startLongRun()
    XCTAssertTrue(wait { flushedRuns() == 1 })
    run.signal(SIGTERM)
    let r = try run.finish()
    XCTAssertEqual(r.status, 143, r.stderr)
    XCTAssertTrue(r.stdout.contains(" interrupted (after "), r.stdout)
    let row = try query("SELECT status, error, ended_at IS NOT NULL FROM runs")[0]
    XCTAssertEqual(row[0], .text("interrupted"))
    XCTAssertEqual(row[2], .integer(1))
    guard case .text(let error) = row[1] else { return XCTFail("no error") }
    XCTAssertTrue(error.hasPrefix("stopped by signal 15 at iteration "), error)
    // Everything up to the stop was flushed: one loss per iteration, none missing.
    let losses = try query("SELECT count(*), max(iter) FROM losses")[0]
    XCTAssertEqual(losses[0], losses[1])
    XCTAssertEqual(try query("PRAGMA integrity_check"), [[.text("ok")]])
  }

  func testKill9KeepsFlushedMetricsAndTheRunShowsInterrupted() throws {
    // A completed run too, so compare has something to compare.
    let done = try tracker([
      "run", "--opt", "adam", "--seed", "2", "--db", db, "--data-dir", dataDir.path, "--iters",
      "20", "--batch-size", "10",
    ])
    XCTAssertEqual(done.status, 0, done.stderr)
    let run = try startLongRun()
    XCTAssertTrue(wait { flushedRuns() == 2 })
    let flushed = try int("SELECT count(*) FROM losses WHERE run_seq = 2")
    run.signal(SIGKILL)
    XCTAssertEqual(try run.finish().status, SIGKILL)

    // Intact, still 'running' in the file, and every flushed loss is there.
    XCTAssertEqual(try query("PRAGMA integrity_check"), [[.text("ok")]])
    XCTAssertEqual(try query("SELECT status FROM runs WHERE seq = 2"), [[.text("running")]])
    let kept = try int("SELECT count(*) FROM losses WHERE run_seq = 2")
    XCTAssertGreaterThanOrEqual(kept, flushed)
    XCTAssertEqual(try int("SELECT max(iter) FROM losses WHERE run_seq = 2"), kept)

    // list sees its process is gone: shown (and now stored) as interrupted.
    let list = try tracker(["list", "--db", db, "--format", "csv"])
    XCTAssertEqual(list.status, 0, list.stderr)
    let rows = list.stdout.split(separator: "\n").map { $0.split(separator: ",") }
    XCTAssertTrue(rows.contains { $0.contains("interrupted") }, list.stdout)
    XCTAssertFalse(rows.contains { $0.contains("running") }, list.stdout)
    let row = try query("SELECT status, ended_at = heartbeat_at, error FROM runs WHERE seq = 2")[0]
    XCTAssertEqual(Array(row.prefix(2)), [.text("interrupted"), .integer(1)])
    guard case .text(let error) = row[2] else { return XCTFail("no error") }
    XCTAssertTrue(
      error.contains("pid \(run.pid)") && error.contains("ended without finishing"), error)
    XCTAssertEqual(try int("SELECT count(*) FROM losses WHERE run_seq = 2"), kept)
    let show = try tracker(["show", "--db", db, String(try runID(seq: 2).prefix(8))])
    XCTAssertTrue(show.stdout.contains("status          interrupted"), show.stdout)
    // compare leaves it out by default, and counts it when asked.
    let compare = try tracker(["compare", "--db", db, "--format", "json"])
    XCTAssertEqual(compare.status, 0, compare.stderr)
    XCTAssertTrue(compare.stdout.contains("\"runs\" : 1") || compare.stdout.contains("\"runs\": 1"))
    XCTAssertFalse(compare.stdout.contains(try runID(seq: 2)), compare.stdout)
    let all = try tracker(["compare", "--db", db, "--status", "interrupted", "--format", "json"])
    XCTAssertTrue(all.stdout.contains(try runID(seq: 2)), all.stdout)
  }

  func testNaNLossStopsTheRunAsDivergedAndCompareCountsIt() throws {
    let common = ["--db", db, "--data-dir", dataDir.path, "--iters", "40", "--batch-size", "20"]
    XCTAssertEqual(try tracker(["run", "--opt", "sgd", "--seed", "1"] + common).status, 0)
    // ReLU with a huge rate: activations overflow to inf within a few iterations.
    let r = try tracker(
      [
        "run", "--opt", "sgd", "--seed", "2", "--lr", "1e10", "--activation", "relu",
        "--weight-init", "he",
      ] + common)
    XCTAssertEqual(r.status, 1, r.stderr)
    XCTAssertTrue(r.stdout.contains(" diverged (diverged at iteration "), r.stdout)
    let row = try query("SELECT status, diverged_at, error FROM runs WHERE seq = 2")[0]
    XCTAssertEqual(row[0], .text("diverged"))
    guard case .integer(let at) = row[1] else { return XCTFail("no diverged_at: \(row)") }
    XCTAssertLessThan(at, 40, "stopped at once")
    // Every iteration up to the divergence, the last one stored as NULL.
    XCTAssertEqual(try int("SELECT count(*) FROM losses WHERE run_seq = 2"), at)
    XCTAssertEqual(
      try query("SELECT loss FROM losses WHERE run_seq = 2 AND iter = \(at)"), [[.null]])

    let compare = try tracker(["compare", "--db", db])
    XCTAssertEqual(compare.status, 0, compare.stderr)
    let sgd = compare.stdout.split(separator: "\n").filter { $0.hasPrefix("sgd") }
    XCTAssertEqual(sgd.count, 1, compare.stdout)
    XCTAssertTrue(sgd[0].hasPrefix("sgd ") && sgd[0].contains(" 1 "), "one run averaged")
    XCTAssertTrue(compare.stdout.contains("not averaged in: sgd lr=10000000000"), compare.stdout)
    XCTAssertTrue(compare.stdout.contains("(1 run); see 'tracker list --status diverged'"))
    // Asked for, diverged runs are compared like any others.
    let diverged = try tracker(["compare", "--db", db, "--status", "diverged"])
    XCTAssertEqual(diverged.status, 0, diverged.stderr)
    XCTAssertTrue(diverged.stdout.contains("\nsgd "), diverged.stdout)
    XCTAssertFalse(diverged.stdout.contains("not averaged in"), diverged.stdout)
  }

  func runID(seq: Int) throws -> String {
    guard case .text(let id) = try query("SELECT id FROM runs WHERE seq = \(seq)").first?.first
    else { throw XCTSkip("no run \(seq)") }
    return id
  }
}
