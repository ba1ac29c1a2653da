// The reference experiment on the real MNIST (fetched by scripts/fetch-mnist; CI fetches it).
// Skipped when the data is absent, except under CI (CI=true), where absence is a failure.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

final class MNISTTests: XCTestCase {
  var dir: URL!
  var db: String { dir.appendingPathComponent("mnist.sqlite").path }

  override func setUpWithError() throws {
    let env = ProcessInfo.processInfo.environment
    let root =
      env["TRACKER_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 }
      ?? ((env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() + "/.cache")
        + "/tracker")
    let present = FileManager.default.fileExists(atPath: root + "/mnist/t10k-labels-idx1-ubyte")
    if !present {
      if env["CI"] != nil {
        XCTFail("MNIST is missing under \(root)/mnist; run scripts/fetch-mnist")
      }
      throw XCTSkip("MNIST not fetched; run scripts/fetch-mnist")
    }
    dir = try makeTemporaryFolder(self)
  }

  func finalTestAccuracy(_ r: ProcessResult) throws -> Double {
    XCTAssertEqual(r.status, 0, r.stderr)
    let line = try XCTUnwrap(r.stdout.split(separator: "\n").last)
    let field = try XCTUnwrap(
      line.components(separatedBy: "final test acc ").last?.split(separator: ",").first)
    // "94.83%": percent, as every command prints accuracies.
    XCTAssertTrue(field.hasSuffix("%"), String(line))
    return try XCTUnwrap(Double(field.dropLast()), String(line)) / 100
  }

  func testReferenceAdamLearnsAndSGDDoesNot() throws {
    let adam = try finalTestAccuracy(
      TrackerProcess.run(["run", "--opt", "adam", "--seed", "1", "--db", db]))
    XCTAssertGreaterThanOrEqual(adam, 0.90)
    let sgd = try finalTestAccuracy(
      TrackerProcess.run(["run", "--opt", "sgd", "--seed", "1", "--db", db]))
    XCTAssertLessThan(sgd, 0.20)

    let database = try Database(path: db)
    let counts = try database.prepare(
      """
      SELECT r.optimizer, (SELECT count(*) FROM losses l WHERE l.run_seq = r.seq),
             (SELECT count(*) FROM evals e WHERE e.run_seq = r.seq)
      FROM runs r ORDER BY r.seq
      """)
    var rows: [[SQLValue]] = []
    try counts.forEachRow { s in rows.append([s.value(0), s.value(1), s.value(2)]) }
    XCTAssertEqual(
      rows,
      [
        [.text("adam"), .integer(1000), .integer(100)],
        [.text("sgd"), .integer(1000), .integer(100)],
      ])
  }

  func testSameSeedRecordsIdenticalMetrics() throws {
    for _ in 0..<2 {
      let r = try TrackerProcess.run([
        "run", "--opt", "momentum", "--seed", "5", "--db", db, "--quiet",
      ])
      XCTAssertEqual(r.status, 0, r.stderr)
    }
    let database = try Database(path: db)
    func metrics(_ seq: Int64) throws -> [[SQLValue]] {
      var rows: [[SQLValue]] = []
      try database.prepare("SELECT iter, loss FROM losses WHERE run_seq = ? ORDER BY iter")
        .forEachRow([.integer(seq)]) { rows.append([$0.value(0), $0.value(1)]) }
      try database.prepare(
        "SELECT iter, train_acc, test_acc FROM evals WHERE run_seq = ? ORDER BY iter"
      )
      .forEachRow([.integer(seq)]) { rows.append([$0.value(0), $0.value(1), $0.value(2)]) }
      return rows
    }
    let first = try metrics(1)
    XCTAssertEqual(first.count, 1100)
    XCTAssertEqual(first, try metrics(2))
  }
}
