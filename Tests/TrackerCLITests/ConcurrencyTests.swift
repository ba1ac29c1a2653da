// Several tracker processes on one database file at the same time: sweeps that
// write side by side while list and compare read, and first opens that race to
// create or migrate the file.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

final class ConcurrencyTests: ProcessTestCase {
  func testTwoSweepsAndReadersShareOneFile() throws {
    func sweep(_ seeds: String) throws -> BackgroundTracker {
      try BackgroundTracker([
        "sweep", "--db", db, "--data-dir", dataDir.path, "--opt", "sgd,adam,rmsprop", "--seeds",
        seeds, "--iters", "300", "--batch-size", "10", "--eval-interval", "10", "--jobs", "2",
        "--threads", "1",
      ])
    }
    // Seed 3 is in both: each sweep runs or skips it, and neither fails.
    let sweeps = [try sweep("1-3"), try sweep("3-5")]
    var reads: [ProcessResult] = []
    while sweeps.contains(where: { $0.process.isRunning }) {
      if FileManager.default.fileExists(atPath: db) {
        reads.append(try tracker(["list", "--db", db, "--limit", "0", "--format", "csv"]))
        reads.append(try tracker(["compare", "--db", db, "--status", "all", "--format", "json"]))
      }
    }
    let results = try sweeps.map { try $0.finish() }
    for result in results {
      XCTAssertEqual(result.status, 0, result.stderr)
      XCTAssertFalse(result.stderr.lowercased().contains("locked"), result.stderr)
      XCTAssertFalse(result.stderr.contains("failed"), result.stderr)
    }
    XCTAssertGreaterThan(reads.count, 2, "readers ran while the sweeps wrote")
    for read in reads {
      XCTAssertFalse(read.stderr.lowercased().contains("locked"), read.stderr)
      // Empty until the first run begins; never an error otherwise.
      XCTAssertTrue(read.status == 0 || read.stderr.contains("no runs in"), read.stderr)
    }
    // Every configuration completed, each run with all its metrics.
    XCTAssertEqual(
      try int("SELECT count(DISTINCT optimizer || seed) FROM runs WHERE status = 'completed'"), 15)
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE status <> 'completed'"), 0)
    XCTAssertEqual(
      try int(
        "SELECT count(*) FROM runs WHERE (SELECT count(*) FROM losses WHERE run_seq = seq) <> 300"),
      0)
    XCTAssertEqual(try query("PRAGMA integrity_check"), [[.text("ok")]])
  }

  /// Processes opening a brand-new file at the same moment: one creates the schema,
  /// the others wait for it; every run is recorded and each migration applied once.
  func testSimultaneousFirstOpensMigrateOnce() throws {
    let runs = try (1...6).map { seed in
      try BackgroundTracker([
        "run", "--opt", "sgd", "--seed", String(seed), "--db", db, "--data-dir", dataDir.path,
        "--iters", "10", "--batch-size", "10", "--quiet",
      ])
    }
    for run in runs {
      let r = try run.finish()
      XCTAssertEqual(r.status, 0, r.stderr)
    }
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE status = 'completed'"), 6)
    XCTAssertEqual(
      try query("SELECT id, count(*) FROM schema_migrations GROUP BY id ORDER BY id").map {
        $0[1]
      }, Array(repeating: .integer(1), count: Migrator.embedded.count))
  }

  /// The same for a file at an older schema: the pending migration runs once.
  func testSimultaneousOpensOfAnOlderSchemaMigrateOnce() throws {
    try DatabaseFiles.writeOlder(at: db, migrations: 3)
    let processes = try (1...6).map { i in
      try BackgroundTracker(
        i % 2 == 0
          ? ["list", "--db", db]
          : [
            "run", "--opt", "adam", "--seed", String(i), "--db", db, "--data-dir", dataDir.path,
            "--iters", "10", "--batch-size", "10", "--quiet",
          ])
    }
    for process in processes {
      let r = try process.finish()
      XCTAssertEqual(r.status, 0, r.stderr)
    }
    XCTAssertEqual(
      try int("SELECT count(*) FROM schema_migrations"), Int64(Migrator.embedded.count))
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 4)
    // 0004's backfill: the old run's heartbeat is its start.
    XCTAssertEqual(
      try query("SELECT heartbeat_at FROM runs WHERE seq = 1"),
      [[.text("2026-01-01T00:00:00.000Z")]])
  }
}
