// TrustTests: the answers of compare on a database that real use produces
// (issue 9): duplicates, list values spelled differently, data sets named by
// their files, tags on resumed sweeps, blow-ups, and the sweep's grid size.
// Each test reproduces one observation with the real binary.
import Foundation
import TrackerEngine
import TrackerStore
import TrackerTestSupport
import XCTest

@testable import tracker

final class TrustTests: ProcessTestCase {
  let small = ["--iters", "40", "--batch-size", "20"]

  func sweepArgs(_ extra: [String]) -> [String] {
    ["sweep", "--db", db, "--data-dir", dataDir.path] + small + extra
  }

  func run(_ extra: [String]) throws -> ProcessResult {
    try tracker(["run", "--db", db, "--data-dir", dataDir.path, "--quiet"] + small + extra)
  }

  /// compare's JSON groups, by label.
  func compareJSON(_ extra: [String] = []) throws -> [String: [String: Any]] {
    let r = try tracker(["compare", "--db", db, "--format", "json"] + extra)
    XCTAssertEqual(r.status, 0, r.stderr)
    let groups = try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
    return Dictionary(uniqueKeysWithValues: groups.map { ($0["label"] as! String, $0) })
  }

  // MARK: - 1. Duplicates

  func testTwoIdenticalSweepsAtOnceCountEachSeedOnce() throws {
    let args = sweepArgs(["--opt", "adam,rmsprop", "--seeds", "1-4", "--jobs", "2"])
    let a = try BackgroundTracker(args)
    let b = try BackgroundTracker(args)
    for sweep in [a, b] { XCTAssertEqual(try sweep.finish().status, 0) }
    let stored = try int("SELECT count(*) FROM runs WHERE status = 'completed'")
    XCTAssertGreaterThanOrEqual(stored, 8)

    // A seed repeated by hand is recorded, and says whom it duplicates.
    let again = try run(["--opt", "adam", "--seed", "3"])
    XCTAssertEqual(again.status, 0, again.stderr)
    XCTAssertTrue(again.stderr.contains("duplicates run"), again.stderr)
    XCTAssertTrue(again.stderr.contains("bit-identical"), again.stderr)

    let groups = try compareJSON(["adam", "rmsprop"])
    let adam = try XCTUnwrap(groups["adam"])
    let rmsprop = try XCTUnwrap(groups["rmsprop"])
    XCTAssertEqual(adam["seeds"] as? Int, 4)
    XCTAssertEqual(rmsprop["seeds"] as? Int, 4)
    XCTAssertEqual(
      (adam["runs"] as! Int) + (rmsprop["runs"] as! Int), Int(stored) + 1, "runs: stored runs")
    XCTAssertEqual(adam["duplicates"] as? Int, (adam["runs"] as! Int) - 4)
    // Welch over the 4 distinct seeds, as the samples view holds them.
    func accuracies(_ optimizer: String) throws -> [Double] {
      try query(
        "SELECT final_test_acc FROM samples WHERE optimizer = '\(optimizer)' ORDER BY seed"
      ).map { row -> Double in
        guard case .real(let x) = row[0] else { return .nan }
        return x
      }
    }
    let expected = try XCTUnwrap(WelchTest(try accuracies("adam"), try accuracies("rmsprop")))
    let welch = try XCTUnwrap(adam["welch"] as? [String: Any])
    XCTAssertEqual(welch["p_value"] as? Double ?? 0, expected.pValue, accuracy: 1e-12)
    // The table says what was left out; list --duplicates finds them.
    let table = try tracker(["compare", "--db", db])
    XCTAssertTrue(table.stdout.contains("adam 4 seeds ("), table.stdout)
    let list = try tracker(["list", "--db", db, "--duplicates", "--format", "csv"])
    XCTAssertEqual(list.status, 0, list.stderr)
    // Every run of a repeated set: the duplicates and the sample they repeat.
    let repeated = try int("SELECT count(*) FROM samples WHERE duplicates > 0")
    XCTAssertEqual(
      list.stdout.split(separator: "\n").count - 1,
      (adam["duplicates"] as! Int) + (rmsprop["duplicates"] as! Int) + Int(repeated))
  }

  // MARK: - 2. List values by value

  func testSweepListValuesAreDeduplicatedByValue() throws {
    // Three at a time: deduplicated only as text, the three spellings would run at once.
    let r = try tracker(
      sweepArgs(["--opt", "sgd", "--seeds", "1", "--lr", "0.01,0.010,1e-2", "--jobs", "3"]))
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stderr.hasPrefix("sweep: 1 run, "), r.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 1)
    let cells = try Tracker.Sweep.parse([
      "--opt", "sgd", "--seeds", "1", "--weight-init", "0.01,1e-2,he",
    ]).grid()
    XCTAssertEqual(cells.count, 2)
  }

  // MARK: - 3. Data identity

  func testTheDataSetIsNamedByItsFiles() throws {
    // The synthetic files are neither MNIST nor Fashion-MNIST.
    let claimed = try run(["--opt", "sgd", "--seed", "1", "--dataset", "mnist"])
    XCTAssertEqual(claimed.status, 1)
    XCTAssertTrue(
      claimed.stderr.contains("--dataset mnist contradicts the files in \(dataDir.path)"),
      claimed.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: db), "nothing recorded")
    let plain = try run(["--opt", "sgd", "--seed", "1"])
    XCTAssertEqual(plain.status, 0, plain.stderr)
    XCTAssertEqual(try query("SELECT dataset FROM runs"), [[.text("custom")]])
  }

  /// The pinned fingerprints are those of the real files (skipped where the
  /// data is absent, except under CI), and fashion-mnist on MNIST's files is
  /// refused.
  func testKnownFingerprintsAreTheRealFiles() throws {
    let home = NSHomeDirectory()
    let folders: [(DatasetName, String)] = [
      (.mnist, home + "/.cache/tracker/mnist"),
      (.fashionMNIST, "/usr/share/datasets/fashion-mnist"),
    ]
    for (name, folder) in folders {
      guard
        FileManager.default.fileExists(atPath: folder + "/t10k-labels-idx1-ubyte")
          || FileManager.default.fileExists(atPath: folder + "/t10k-labels-idx1-ubyte.gz")
      else {
        if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("\(folder) is missing") }
        continue
      }
      let data = try Dataset.load(name: name.rawValue, directory: folder)
      XCTAssertEqual(DatasetName(fingerprint: data.fingerprint), name, folder)
      if name == .mnist {
        let r = try run(["--opt", "sgd", "--dataset", "fashion-mnist", "--data-dir", folder])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("which are MNIST"), r.stderr)
      }
    }
  }

  // MARK: - 4. Tags on resumed sweeps

  func testResumedSweepTagsTheRunsItSkips() throws {
    XCTAssertEqual(try run(["--opt", "sgd", "--seed", "1"]).status, 0)
    let tagged = try tracker(sweepArgs(["--opt", "sgd", "--seeds", "1-2", "--tag", "sweep=lr"]))
    XCTAssertEqual(tagged.status, 0, tagged.stderr)
    XCTAssertTrue(tagged.stderr.contains("skipped, already completed"), tagged.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 2)
    XCTAssertEqual(try compareJSON(["--tag", "sweep=lr"])["sgd"]?["seeds"] as? Int, 2)
    // Another sweep's value for the key: the runs keep theirs, the cells run
    // again, and the new runs are duplicates, not new seeds.
    let other = try tracker(sweepArgs(["--opt", "sgd", "--seeds", "1-2", "--tag", "sweep=b"]))
    XCTAssertEqual(other.status, 0, other.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 4)
    XCTAssertEqual(try compareJSON(["--tag", "sweep=lr"])["sgd"]?["seeds"] as? Int, 2)
    XCTAssertEqual(try compareJSON(["--tag", "sweep=b"])["sgd"]?["seeds"] as? Int, 2)
    let all = try XCTUnwrap(try compareJSON()["sgd"])
    XCTAssertEqual(
      [all["runs"] as? Int, all["seeds"] as? Int, all["duplicates"] as? Int], [4, 2, 2])
  }

  // MARK: - 5. Blow-ups

  func testABlownUpRunIsDivergedAndNotAveraged() throws {
    XCTAssertEqual(try run(["--opt", "sgd", "--seed", "1", "--lr", "0.1"]).status, 0)
    let blown = try run(["--opt", "sgd", "--seed", "1", "--lr", "1e6"])
    XCTAssertEqual(blown.status, 1, blown.stderr)
    let row = try query("SELECT status, diverged_at, error FROM runs WHERE lr = 1e6")[0]
    XCTAssertEqual(row[0], .text("diverged"))
    XCTAssertEqual(row[1], .null)
    guard case .text(let error) = row[2] else { return XCTFail("no error") }
    XCTAssertTrue(error.hasPrefix("blew up: the mean loss of the last 4 iterations"), error)
    let compare = try tracker(["compare", "--db", db])
    XCTAssertEqual(compare.status, 0, compare.stderr)
    XCTAssertTrue(
      compare.stdout.contains("not averaged in: sgd lr=1000000 (1"), compare.stdout)
    XCTAssertEqual(try compareJSON().count, 1, "only the learner is averaged")

    // A resumed sweep skips the diverged cell unless asked.
    let resumed = try tracker(sweepArgs(["--opt", "sgd", "--seeds", "1", "--lr", "1e6"]))
    XCTAssertTrue(resumed.stderr.contains("skipped, diverged before"), resumed.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 2)
    _ = try tracker(sweepArgs(["--opt", "sgd", "--seeds", "1", "--lr", "1e6", "--retry-diverged"]))
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 3)
  }

  // MARK: - 6. Grid size

  func testTheGridLimitCountsTheWholeGrid() throws {
    XCTAssertThrowsError(
      try Tracker.Sweep.parse(["--opt", "sgd,adam", "--seeds", "1-6000"]).grid())
    let rates = (1...16).map { "\($0)e-3" }.joined(separator: ",")
    let cells = try Tracker.Sweep.parse([
      "--opt", "sgd,momentum,adagrad,rmsprop", "--lr", rates, "--seeds", "1",
    ]).grid()
    XCTAssertEqual(cells.count, 64)

    // The same through the binary. An empty data folder stops a valid grid at the
    // data check, after the grid is counted, so nothing trains either way.
    let empty = dir.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: false)
    func sweep(_ grid: [String]) throws -> ProcessResult {
      try tracker(["sweep", "--db", db, "--data-dir", empty.path] + grid)
    }
    let big = try sweep(["--opt", "sgd,adam", "--seeds", "1-6000"])
    XCTAssertNotEqual(big.status, 0)
    XCTAssertTrue(big.stderr.contains("more than 10000 runs"), big.stderr)
    let sixtyFour = try sweep([
      "--opt", "sgd,momentum,adagrad,rmsprop", "--lr", rates, "--seeds", "1",
    ])
    XCTAssertNotEqual(sixtyFour.status, 0)
    XCTAssertFalse(sixtyFour.stderr.contains("more than 10000 runs"), sixtyFour.stderr)
    XCTAssertTrue(sixtyFour.stderr.contains(empty.path), "refused for its data, not its size")
    XCTAssertFalse(FileManager.default.fileExists(atPath: db), "nothing recorded")
  }

  // MARK: - verify

  func testVerifyRerunsAStoredRun() throws {
    let r = try run(["--opt", "adam", "--seed", "5"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let id = try XCTUnwrap(r.stdout.split(separator: " ").dropFirst().first).prefix(8)
    let ok = try tracker(["verify", "--db", db, "--data-dir", dataDir.path, String(id)])
    XCTAssertEqual(ok.status, 0, ok.stderr)
    XCTAssertTrue(ok.stdout.contains("bit-identical: 40 losses and 4 evaluations match"), ok.stdout)
    // A stored loss changed by hand is found.
    let database = try Database(path: db)
    try database.execute("UPDATE losses SET loss = loss + 1e-12 WHERE iter = 17")
    let bad = try tracker(["verify", "--db", db, "--data-dir", dataDir.path, String(id)])
    XCTAssertEqual(bad.status, 1)
    XCTAssertTrue(bad.stdout.contains("differs at iteration 17: loss stored"), bad.stdout)
  }
}
