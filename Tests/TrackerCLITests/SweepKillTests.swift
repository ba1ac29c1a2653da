// A sweep killed with kill -9, and sweeps that meet on one cell: the runs die
// with their sweep, nothing is left in the temporary folder, and every cell
// completes exactly once however often the sweep is started.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

final class SweepKillTests: ProcessTestCase {
  /// A folder for the sweep's TMPDIR, to see what it leaves there.
  var tmp: URL!

  override func setUpWithError() throws {
    try super.setUpWithError()
    tmp = dir.appendingPathComponent("tmp")
    try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
  }

  func sweep(iters: Int = 8000) throws -> BackgroundTracker {
    try BackgroundTracker(
      [
        "sweep", "--db", db, "--data-dir", dataDir.path, "--opt", "sgd,adam", "--seeds", "1-2",
        "--iters", String(iters), "--batch-size", "20", "--eval-interval", "1000", "--jobs", "2",
        "--threads", "1",
      ], environment: ["TMPDIR": tmp.path])
  }

  func pids() throws -> [Int32] {
    try query("SELECT pid FROM runs").compactMap {
      if case .integer(let pid) = $0[0] { return Int32(pid) }
      return nil
    }
  }

  func testKilledSweepTakesItsRunsAlongAndResumeRunsEachCellOnce() throws {
    let first = try sweep()
    XCTAssertTrue(wait { flushedRuns() == 2 })
    first.signal(SIGKILL)
    _ = try first.finish()
    // The runs got SIGTERM from the kernel (--parent-pid), so they stop at once
    // and record themselves interrupted.
    XCTAssertTrue(
      try wait(seconds: 10) { try pids().allSatisfy { kill($0, 0) != 0 } },
      "a run outlived its sweep")
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE status = 'running'"), 0)
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE status = 'interrupted'"), 2)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), [])

    let resumed = try sweep().finish()
    XCTAssertEqual(resumed.status, 0, resumed.stderr)
    XCTAssertEqual(
      try int("SELECT count(DISTINCT optimizer || seed) FROM runs WHERE status = 'completed'"), 4)
    XCTAssertEqual(
      try int(
        "SELECT count(*) FROM (SELECT 1 FROM runs WHERE status = 'completed'"
          + " GROUP BY config_key, seed HAVING count(*) > 1)"), 0, "a cell completed twice")
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), [])
    XCTAssertEqual(try query("PRAGMA integrity_check"), [[.text("ok")]])
  }

  /// A second sweep of the same grid waits for the cells the first is running
  /// instead of running them again; both end with every cell completed once.
  func testASweepWaitsForTheCellsAnotherRuns() throws {
    let first = try sweep(iters: 6000)
    XCTAssertTrue(wait { flushedRuns() == 2 })
    let second = try sweep(iters: 6000).finish()
    let firstResult = try first.finish()
    XCTAssertEqual(firstResult.status, 0, firstResult.stderr)
    XCTAssertEqual(second.status, 0, second.stderr)
    XCTAssertTrue(second.stderr.contains("taken by another process (run "), second.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 4)
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE status = 'completed'"), 4)
  }

  /// What a sweep's run does itself: it does not begin a cell that another
  /// process is running (exit 75), and it does not start when its sweep has gone.
  func testASweepRunChecksItsCellAndItsParent() throws {
    let common = [
      "run", "--db", db, "--data-dir", dataDir.path, "--opt", "sgd", "--seed", "1",
      "--batch-size", "20", "--quiet",
    ]
    let long = try BackgroundTracker(common + ["--iters", "10000000", "--eval-interval", "1000"])
    XCTAssertTrue(wait { flushedRuns() == 1 })
    let taken = try tracker(
      common + ["--iters", "10000000", "--eval-interval", "1000", "--skip-if-taken"])
    XCTAssertEqual(taken.status, 75, taken.stderr)
    XCTAssertTrue(taken.stderr.contains("of this configuration and seed is running"), taken.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 1)
    long.signal(SIGTERM)
    XCTAssertEqual(try long.finish().status, 143)

    // pid 1 is not the test's own pid, so this run's "sweep" has gone.
    let orphan = try tracker(common + ["--iters", "20", "--parent-pid", "1"])
    XCTAssertNotEqual(orphan.status, 0)
    XCTAssertTrue(orphan.stderr.contains("has ended; not starting"), orphan.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 1)
  }
}
