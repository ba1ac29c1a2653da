// `tracker sweep --slurm` against the real single-node Slurm cluster (see
// SlurmTestCase): bit-identical to a local sweep, and a cancelled task shown as such.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

final class SlurmSweepTests: SlurmTestCase {
  func sweep(_ db: String, _ extra: [String]) throws -> ProcessResult {
    try tracker(
      [
        "sweep", "--db", db, "--data-dir", dataDir.path, "--batch-size", "20", "--opt",
        "sgd,adam", "--seeds", "1-3", "--iters", "40",
      ] + extra)
  }

  /// Every metric row of every run, by optimizer and seed.
  func metrics(_ path: String) throws -> [[SQLValue]] {
    try query(
      """
      SELECT r.optimizer, r.seed, r.status, r.final_test_acc, 'loss', l.iter, l.loss, NULL
        FROM runs r JOIN losses l ON l.run_seq = r.seq
      UNION ALL
      SELECT r.optimizer, r.seed, r.status, r.final_test_acc, 'eval', e.iter, e.train_acc, e.test_acc
        FROM runs r JOIN evals e ON e.run_seq = r.seq
      ORDER BY 1, 2, 5, 6
      """, path: path)
  }

  func testASlurmSweepEqualsALocalOneBitForBitAndResubmittingSkipsIt() throws {
    let local = dir.appendingPathComponent("local.sqlite").path
    let here = try sweep(local, ["--jobs", "2"])
    XCTAssertEqual(here.status, 0, here.stderr)

    let slurm = try sweep(
      db, ["--slurm", "--wait", "--shard-dir", shards, "--array-parallelism", "2"])
    XCTAssertEqual(slurm.status, 0, slurm.stderr + slurm.stdout)
    XCTAssertTrue(slurm.stdout.contains("6 completed"), slurm.stdout)
    XCTAssertTrue(slurm.stdout.contains("adam"), "the comparison: \(slurm.stdout)")
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE status = 'completed'"), 6)
    let merged = try metrics(db)
    XCTAssertEqual(merged.count, 6 * (40 + 4))
    XCTAssertEqual(merged, try metrics(local), "every loss and accuracy, bit for bit")

    // Submitted again, with a tag: nothing left to run, and the runs that made the
    // cells done get the tag, as in a local sweep, so '--tag' views see every cell.
    let again = try sweep(db, ["--slurm", "--wait", "--shard-dir", shards, "--tag", "sweep=two"])
    XCTAssertEqual(again.status, 0, again.stderr)
    XCTAssertTrue(again.stderr.contains("all 6 runs already completed"), again.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 6)
    XCTAssertEqual(
      try int("SELECT count(*) FROM run_tags WHERE key = 'sweep' AND value = 'two'"), 6)

    // Merging the same shards twice changes nothing; the database into itself is refused.
    let files = try FileManager.default.contentsOfDirectory(atPath: shards)
      .filter { $0.hasSuffix(".sqlite") }.map { "\(shards)/\($0)" }
    XCTAssertEqual(files.count, 6, "one shard per task")
    let twice = try tracker(["merge", "--db", db] + files)
    XCTAssertEqual(twice.status, 0, twice.stderr)
    XCTAssertEqual(twice.stdout.components(separatedBy: "merged 0 runs, skipped 1").count, 7)
    XCTAssertEqual(try metrics(db), merged)
    let itself = try tracker(["merge", "--db", db, db])
    XCTAssertEqual(itself.status, 1)
    XCTAssertTrue(itself.stderr.contains("is the destination database"), itself.stderr)
  }

  func testACancelledTaskShowsUpAsSuch() throws {
    // Task 0 trains 40 iterations, task 1 far too many: it is cancelled while it runs.
    let submitted = try tracker([
      "sweep", "--db", db, "--data-dir", dataDir.path, "--batch-size", "20", "--opt", "sgd",
      "--seeds", "1", "--iters", "40", "--iters", "100000000", "--slurm", "--shard-dir", shards,
    ])
    XCTAssertEqual(submitted.status, 0, submitted.stderr)
    let ids = submitted.stdout.split(separator: " ")
    guard let arrayIndex = ids.firstIndex(of: "array"), let mergeIndex = ids.firstIndex(of: "merge")
    else { return XCTFail(submitted.stdout) }
    let array = String(ids[arrayIndex + 2])
    let merge = String(ids[mergeIndex + 2]).trimmingCharacters(in: .punctuationCharacters)
    let shard = "\(shards)/shard-\(array)-1.sqlite"
    XCTAssertTrue(
      wait(seconds: 60) {
        FileManager.default.fileExists(atPath: shard)
          && (try? int("SELECT count(*) FROM losses", path: shard)) ?? 0 > 0
      }, "task 1 started training")
    _ = try SlurmCommand.run("scancel", ["\(array)_1"])
    XCTAssertTrue(
      wait(seconds: 90) {
        let state = try? SlurmCommand.run("squeue", ["-h", "-t", "all", "-j", merge, "-o", "%T"])
        return ["COMPLETED", "FAILED"].contains(
          state?.1.trimmingCharacters(in: .whitespacesAndNewlines))
      }, "the merge job ended")
    let states = try query("SELECT iters, status FROM runs ORDER BY iters")
    XCTAssertEqual(
      states, [[.integer(40), .text("completed")], [.integer(100_000_000), .text("interrupted")]])
    let folder = try XCTUnwrap(
      try FileManager.default.contentsOfDirectory(atPath: shards).first { $0.hasPrefix("job-") })
    let output = try String(
      contentsOfFile: "\(shards)/\(folder)/merge-\(array).out", encoding: .utf8)
    XCTAssertTrue(output.contains("interrupted (slurm task 1 CANCELLED"), output)
    XCTAssertTrue(output.contains("1 completed, 1 interrupted"), output)
  }
}

/// The Slurm tools, as the tests call them.
enum SlurmCommand {
  static func run(_ tool: String, _ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
