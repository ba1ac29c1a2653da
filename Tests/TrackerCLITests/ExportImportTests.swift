// `tracker export` and `tracker import`: a run round-trips through JSON lines with
// every metric bit for bit, keeps a source once imported, and a NumPy run written
// by scripts/numpy_reference.py --jsonl is compared beside a tracker run.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

final class ExportImportTests: ProcessTestCase {
  var other: String { dir.appendingPathComponent("other.sqlite").path }

  func train(_ extra: [String] = []) throws {
    let r = try tracker(
      [
        "run", "--db", db, "--data-dir", dataDir.path, "--quiet", "--opt", "adam", "--lr", "0.01",
        "--iters", "30", "--batch-size", "20",
      ] + extra)
    XCTAssertEqual(r.status, 0, r.stderr)
  }

  func metrics(_ path: String) throws -> [[SQLValue]] {
    try query(
      """
      SELECT r.id, r.optimizer, r.seed, r.lr, r.final_test_acc, l.iter, l.loss, e.train_acc, e.test_acc
      FROM runs r JOIN losses l ON l.run_seq = r.seq LEFT JOIN evals e ON e.run_seq = r.seq AND e.iter = l.iter
      ORDER BY r.id, l.iter
      """, path: path)
  }

  func testARunRoundTripsAndKeepsItsSource() throws {
    try train(["--tag", "who=me"])
    let file = dir.appendingPathComponent("runs.jsonl").path
    let exported = try tracker(["export", "--db", db, "--format", "jsonl", "-o", file])
    XCTAssertEqual(exported.status, 0, exported.stderr)
    let imported = try tracker(["import", "--db", other, file])
    XCTAssertEqual(imported.status, 0, imported.stderr)
    XCTAssertEqual(imported.stdout, "imported 1 run\n")
    XCTAssertEqual(try metrics(other), try metrics(db), "every loss and accuracy, bit for bit")
    XCTAssertEqual(try metrics(other).count, 30)
    XCTAssertEqual(
      try query("SELECT source, (SELECT value FROM run_tags) FROM runs", path: other),
      [[.text("import:runs.jsonl"), .text("me")]])
    XCTAssertEqual(try query("SELECT source FROM runs"), [[.null]], "tracker's own run")
    // Again: skipped. A sweep never takes the imported run for its configuration.
    XCTAssertEqual(
      try tracker(["import", "--db", other, file]).stdout,
      "imported 0 runs, skipped 1 already present\n")
    let sweep = try tracker(
      [
        "sweep", "--db", other, "--data-dir", dataDir.path, "--opt", "adam", "--seeds", "1",
        "--lr", "0.01", "--iters", "30", "--batch-size", "20",
      ])
    XCTAssertEqual(sweep.status, 0, sweep.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE source IS NULL", path: other), 1)

    let csv = try tracker(["export", "--db", db, "--format", "csv"])
    let lines = csv.stdout.split(separator: "\n")
    XCTAssertEqual(lines.count, 1 + 30 + 3)
    XCTAssertTrue(lines[0].hasPrefix("run_id,status,source,optimizer,seed,lr"), String(lines[0]))
  }

  func testBadLinesAreRefusedWithNothingImported() throws {
    let file = dir.appendingPathComponent("bad.jsonl")
    try Data(
      """
      {"format":"tracker-run/1","run":{"optimizer":"sgd","seed":1,"lr":0.1,"iters":1,"batch_size":1,"eval_interval":1,"hidden":"40","activation":"relu","weight_init":"he","batchnorm":0,"dataset":"mnist"},"losses":[[1,2.5]],"evals":[[1,0.5,0.25]]}
      {"format":"tracker-run/1","run":{"optimizer":"sgd"}}
      """.utf8
    ).write(to: file)
    let r = try tracker(["import", "--db", db, file.path])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.stderr.contains("bad.jsonl line 2: \"run\" has no \"seed\""), r.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 0)
  }

  func testANumPyRunIsComparedBesideATrackerRun() throws {
    let python = Process()
    python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    python.arguments = ["python3", "-c", "import numpy"]
    try python.run()
    python.waitUntilExit()
    if python.terminationStatus != 0 {
      let message = "python3 with numpy is missing; install it with: python3 -m pip install numpy"
      if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail(message) }
      throw XCTSkip(message)
    }
    let script = SlurmSweepTests.packageRoot.appendingPathComponent("scripts/numpy_reference.py")
    let file = dir.appendingPathComponent("numpy.jsonl").path
    let numpy = Process()
    numpy.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    numpy.arguments = [
      "python3", script.path, "--opt", "adam", "--lr", "0.01", "--iters", "30", "--batch-size",
      "20", "--data-dir", dataDir.path, "--dataset", "custom", "--jsonl", file,
    ]
    numpy.standardOutput = FileHandle.nullDevice
    try numpy.run()
    numpy.waitUntilExit()
    XCTAssertEqual(numpy.terminationStatus, 0)
    XCTAssertEqual(try tracker(["import", "--db", db, file]).status, 0)
    try train()
    // The table cuts long labels to the terminal's width; CSV keeps them whole.
    let compare = try tracker(["compare", "--db", db, "--format", "csv"])
    XCTAssertEqual(compare.status, 0, compare.stderr)
    let rows = compare.stdout.split(separator: "\n")
    XCTAssertTrue(
      rows.contains { $0.hasPrefix("adam [import:numpy_reference.py],") }, compare.stdout)
    XCTAssertTrue(rows.contains { $0.hasPrefix("adam,") }, compare.stdout)
    XCTAssertEqual(try int("SELECT count(*) FROM losses"), 60)
    XCTAssertEqual(try int("SELECT count(*) FROM evals"), 6)
  }
}
