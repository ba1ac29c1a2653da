// `tracker tune --slurm` against the real single-node Slurm cluster (see
// SlurmTestCase): each stage a job array, the same selection and the same metrics,
// bit for bit, as the same tune run locally; nothing submitted again; a cancelled
// stage shown as such.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

final class SlurmTuneTests: SlurmTestCase {
  /// 2 optimizers x 3 rates x search seeds 1-2, then the selected rates x seeds 1-2.
  func tune(_ db: String, _ extra: [String]) throws -> ProcessResult {
    try tracker(
      [
        "tune", "--db", db, "--data-dir", dataDir.path, "--opt", "sgd,adam", "--lr", "0.01..1",
        "--points", "3", "--seeds", "1-2", "--iters", "40", "--batch-size", "20",
        "--eval-interval", "10", "--validation", "100", "--name", "t",
      ] + extra)
  }

  /// Every loss and evaluation of every run, by configuration and seed.
  func metrics(_ path: String) throws -> [[SQLValue]] {
    try query(
      """
      SELECT r.optimizer, r.lr, r.seed, r.eval_interval, r.status, r.final_val_acc, 'loss',
             l.iter, l.loss, NULL, NULL
        FROM runs r JOIN losses l ON l.run_seq = r.seq
      UNION ALL
      SELECT r.optimizer, r.lr, r.seed, r.eval_interval, r.status, r.final_val_acc, 'eval',
             e.iter, e.train_acc, e.test_acc, e.val_acc
        FROM runs r JOIN evals e ON e.run_seq = r.seq
      ORDER BY 1, 2, 3, 4, 7, 8
      """, path: path)
  }

  func testASlurmTuneSelectsAndMeasuresAsALocalOneAndARerunSubmitsNothing() throws {
    let local = dir.appendingPathComponent("local.sqlite").path
    let here = try tune(local, ["--jobs", "2"])
    XCTAssertEqual(here.status, 0, here.stderr)

    let slurm = try tune(db, ["--slurm", "--shard-dir", shards, "--tasks", "4"])
    XCTAssertEqual(slurm.status, 0, slurm.stderr)
    for line in ["slurm array job", "12 completed", "4 completed"] {
      XCTAssertTrue(slurm.stderr.contains(line), slurm.stderr)
    }
    XCTAssertEqual(slurm.stdout, here.stdout, "the same selection, statistics and report")
    let merged = try metrics(db)
    XCTAssertEqual(merged.count, 12 * (40 + 1) + 4 * (40 + 4))
    XCTAssertEqual(merged, try metrics(local), "every loss and accuracy, bit for bit")
    XCTAssertEqual(
      try int("SELECT count(*) FROM run_tags WHERE key = 'tune' AND value = 't'"), 16)

    let again = try tune(db, ["--slurm", "--shard-dir", shards])
    XCTAssertEqual(again.status, 0, again.stderr)
    XCTAssertTrue(again.stderr.contains("search: 12 runs, 12 already done, 0 to run"), again.stderr)
    XCTAssertTrue(again.stderr.contains("confirm: 4 runs, 4 already done, 0 to run"), again.stderr)
    XCTAssertFalse(again.stderr.contains("submitted"), again.stderr)
    XCTAssertEqual(again.stdout, here.stdout)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 16)
  }

  func testACancelledSearchShowsUpAndTheTuneFails() throws {
    // Search runs too long to end before the array is cancelled while they train.
    let running = try BackgroundTracker([
      "tune", "--db", db, "--data-dir", dataDir.path, "--opt", "sgd", "--lr", "0.1,1",
      "--seeds", "1", "--iters", "100000", "--batch-size", "20", "--validation", "100",
      "--slurm", "--shard-dir", shards,
    ])
    var array: String?
    XCTAssertTrue(
      wait(seconds: 60) {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: shards)) ?? []
        guard let shard = files.first(where: { $0.hasPrefix("shard-") && $0.hasSuffix(".sqlite") }),
          (try? int("SELECT count(*) FROM losses", path: "\(shards)/\(shard)")) ?? 0 > 0
        else { return false }
        array = String(shard.split(separator: "-")[1])
        return true
      }, "a search run started training")
    _ = try SlurmCommand.run("scancel", [try XCTUnwrap(array)])
    let result = try running.finish()
    XCTAssertEqual(result.status, 1, result.stderr)
    XCTAssertTrue(result.stderr.contains("interrupted (slurm task"), result.stderr)
    XCTAssertTrue(result.stderr.contains("CANCELLED"), result.stderr)
    XCTAssertTrue(result.stderr.contains("confirm: 0 runs"), result.stderr)
    XCTAssertTrue(result.stdout.contains("sgd"), result.stdout)
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE status = 'completed'"), 0)
    XCTAssertGreaterThan(try int("SELECT count(*) FROM runs WHERE status = 'interrupted'"), 0)
  }
}
