// `tracker run --validation N` end to end: the run records its validation set's
// size and the validation accuracy of its last evaluation; without the option
// nothing about a run changes; sizes that leave too little to train on are refused
// before the database is touched.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

final class ValidationCommandTests: ProcessTestCase {
  func run(_ extra: [String]) throws -> ProcessResult {
    try tracker(
      [
        "run", "--db", db, "--data-dir", dataDir.path, "--iters", "45", "--batch-size", "20",
        "--eval-interval", "10", "--opt", "adam", "--lr", "0.05", "--seed", "2", "--quiet",
      ] + extra)
  }

  func testValidationAccuracyIsRecordedAtTheLastEvaluation() throws {
    let r = try run(["--validation", "150"])
    XCTAssertEqual(r.status, 0, r.stderr)
    // 45 iterations every 10: evaluations at 10..40, validation at 40 only.
    let rows = try query("SELECT iter, val_acc FROM evals ORDER BY iter")
    XCTAssertEqual(rows.count, 4)
    XCTAssertEqual(rows.filter { $0[1] != .null }.map { $0[0] }, [.integer(40)])
    guard case .real(let accuracy) = rows[3][1] else { return XCTFail("\(rows)") }
    XCTAssert((0...1).contains(accuracy))
    XCTAssertEqual(
      try query("SELECT validation, final_val_acc FROM runs").first,
      [.integer(150), .real(accuracy)])
    XCTAssertEqual(
      try query("SELECT validation, final_val_acc FROM run_summaries").first,
      [.integer(150), .real(accuracy)])
  }

  func testWithoutValidationTheRunIsUnchanged() throws {
    XCTAssertEqual(try run([]).status, 0)
    XCTAssertEqual(try run(["--validation", "0"]).status, 0)
    // The same configuration (validation 0 is the default), the same metrics.
    XCTAssertEqual(try int("SELECT count(DISTINCT validation) FROM runs"), 1)
    XCTAssertEqual(try int("SELECT count(*) FROM evals WHERE val_acc IS NOT NULL"), 0)
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE final_val_acc IS NULL"), 2)
    let curves = try query("SELECT run_seq, iter, train_acc, test_acc FROM evals ORDER BY 1, 2")
    XCTAssertEqual(
      Array(curves.prefix(4).map { $0.dropFirst() }), curves.suffix(4).map { $0.dropFirst() })
    // Holding out images changes what is trained on.
    XCTAssertEqual(try run(["--validation", "100"]).status, 0)
    XCTAssertEqual(
      try int("SELECT count(DISTINCT final_loss) FROM runs"), 2, "validation 100 trains on less")
  }

  func testSweepTakesValidationSizesAsAList() throws {
    let r = try tracker([
      "sweep", "--db", db, "--data-dir", dataDir.path, "--iters", "20", "--batch-size", "20",
      "--opt", "adam", "--seeds", "1", "--validation", "0,100",
    ])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(
      try query("SELECT validation, final_val_acc IS NOT NULL FROM runs ORDER BY validation"),
      [[.integer(0), .integer(0)], [.integer(100), .integer(1)]])
    // Too large for the data: refused before anything runs.
    let refused = try tracker([
      "sweep", "--db", db, "--data-dir", dataDir.path, "--opt", "adam", "--seeds", "1",
      "--validation", "590",
    ])
    XCTAssertNotEqual(refused.status, 0)
    XCTAssertTrue(refused.stderr.contains("--validation 590 leaves 10"), refused.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 2)
  }

  func testTooLargeOrNegativeValidationIsRefusedBeforeTheDatabase() throws {
    for (value, expected) in [
      ("590", "--validation 590 leaves 10 of the 600 training images, fewer than --batch-size 20"),
      ("-3", "--validation must be 0 (none)"),
    ] {
      let r = try run(["--validation", value])
      XCTAssertNotEqual(r.status, 0)
      XCTAssertTrue(r.stderr.contains(expected), r.stderr)
      XCTAssertEqual(r.stderr.split(separator: "\n").filter { $0.contains("Error") }.count, 1)
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: db), "the database was not created")
  }
}
