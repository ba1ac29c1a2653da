// CompareCommandTests: `tracker compare` on a database filled through
// RunStore: every output format parsed back, the Welch line, filters,
// --margin, and the one-line errors.
import ArgumentParser
import Foundation
import TrackerEngine
import TrackerStore
import TrackerTestSupport
import XCTest

@testable import tracker

final class CompareCommandTests: RunsFixtureTestCase {
  /// adam: final 0.90, 0.94, 0.92 (starts 10, 20, 10); sgd: 0.11, 0.12 (never);
  /// plus a diverged adam run that the default --status leaves out.
  func fill() throws {
    try record(optimizer: "adam", seed: 1, accuracies: [0.5, 0.90], lastLoss: 0.2, duration: 10)
    try record(optimizer: "adam", seed: 2, accuracies: [0.1, 0.94], lastLoss: 0.4, duration: 14)
    try record(optimizer: "adam", seed: 3, accuracies: [0.3, 0.92], lastLoss: 0.3, duration: 12)
    try record(
      optimizer: "sgd", seed: 1, accuracies: [0.11, 0.12], lastLoss: 2.3, tags: [("k", "v")])
    try record(optimizer: "sgd", seed: 2, accuracies: [0.10, 0.11], lastLoss: 2.2)
    try record(optimizer: "adam", seed: 4, accuracies: [0.1, 0.1], status: .diverged)
  }

  func report(_ arguments: [String]) throws -> String {
    try command(["compare"] + arguments, as: Tracker.Compare.self).report(store())
  }

  func testJSONHasTheDocumentedKeysAndValues() throws {
    try fill()
    let groups = try XCTUnwrap(parseJSON(report(["--format", "json"])) as? [[String: Any]])
    XCTAssertEqual(groups.count, 2)
    // Default order: the engine's optimizer order (sgd before adam).
    XCTAssertEqual(groups.map { $0["optimizer"] as? String }, ["sgd", "adam"])
    for key in [
      "optimizer", "params", "runs", "final_test_acc_mean", "final_test_acc_std",
      "final_test_acc_min", "final_test_acc_max", "learning_start_median", "never_started",
    ] {
      XCTAssertNotNil(groups[0][key], "missing key \(key)")
    }
    let adam = groups[1]
    XCTAssertEqual(adam["runs"] as? Int, 3, "the diverged run is left out")
    XCTAssertEqual(try XCTUnwrap(adam["final_test_acc_mean"] as? Double), 0.92, accuracy: 1e-12)
    XCTAssertEqual(try XCTUnwrap(adam["final_test_acc_std"] as? Double), 0.02, accuracy: 1e-12)
    XCTAssertEqual(adam["final_test_acc_min"] as? Double, 0.90)
    XCTAssertEqual(adam["final_test_acc_max"] as? Double, 0.94)
    XCTAssertEqual(adam["learning_start_median"] as? Int, 10)
    XCTAssertEqual(adam["never_started"] as? Int, 0)
    let params = try XCTUnwrap(adam["params"] as? [String: Any])
    XCTAssertEqual(params["lr"] as? Double, 0.001)
    XCTAssertEqual(params["beta2"] as? Double, 0.999)
    XCTAssertEqual(params["batchnorm"] as? Bool, false)
    XCTAssertTrue(params["momentum"] is NSNull)
    XCTAssertNil(params["seed"], "the seed is not a group parameter")
    let sgd = groups[0]
    XCTAssertTrue(sgd["learning_start_median"] is NSNull, "no sgd run started")
    XCTAssertEqual(sgd["never_started"] as? Int, 2)

    // Two groups of 2+ runs: both carry the Welch test, as "this minus the other".
    let welch = try XCTUnwrap(adam["welch"] as? [String: Any])
    XCTAssertEqual(welch["versus"] as? String, "sgd")
    XCTAssertEqual(try XCTUnwrap(welch["difference"] as? Double), 0.92 - 0.115, accuracy: 1e-12)
    let low = try XCTUnwrap(welch["ci95_low"] as? Double)
    let high = try XCTUnwrap(welch["ci95_high"] as? Double)
    XCTAssertLessThan(low, 0.805)
    XCTAssertGreaterThan(high, 0.805)
    XCTAssertLessThan(try XCTUnwrap(welch["p_value"] as? Double), 0.001)
  }

  func testCSVParsesBack() throws {
    try fill()
    let rows = parseCSV(try report(["--format", "csv"]))
    XCTAssertEqual(rows.count, 3)
    let header = rows[0]
    XCTAssertEqual(Set(rows.map(\.count)), [header.count])
    let adam = Dictionary(uniqueKeysWithValues: zip(header, rows[2]))
    XCTAssertEqual(adam["optimizer"], "adam")
    XCTAssertEqual(adam["hidden"], "40,20", "a quoted field with a comma")
    XCTAssertEqual(adam["runs"], "3")
    XCTAssertEqual(try XCTUnwrap(Double(adam["final_test_acc_mean"] ?? "")), 0.92, accuracy: 1e-12)
    XCTAssertEqual(adam["learning_start_median"], "10")
    XCTAssertEqual(adam["momentum"], "", "NULL is an empty field")
    let sgd = Dictionary(uniqueKeysWithValues: zip(header, rows[1]))
    XCTAssertEqual(sgd["learning_start_median"], "")
    XCTAssertEqual(sgd["never_started"], "2")
  }

  func testMarkdownRowsAndWelchLine() throws {
    try fill()
    let text = try report(["--format", "markdown"])
    let rows = parseMarkdownTable(text)
    XCTAssertEqual(rows.count, 3)
    XCTAssertEqual(Set(rows.map(\.count)), [11])
    XCTAssertEqual(rows[1][0], "sgd")
    XCTAssertEqual(rows[2][0], "adam")
    XCTAssertEqual(rows[2][1], "3")
    XCTAssertEqual(rows[2][2], "92.00")
    XCTAssertEqual(rows[2][3], "2.00")
    XCTAssertEqual(rows[1][7], "-")
    XCTAssertTrue(text.contains("sgd - adam: -80.50 points of mean final test accuracy"), text)
  }

  func testTableFitsIn80ColumnsAndHasTheWelchLine() throws {
    try fill()
    let text = try report([])
    for line in text.split(separator: "\n") {
      XCTAssertLessThanOrEqual(line.count, 80, String(line))
    }
    var lines = text.split(separator: "\n").map(String.init)
    // First the settings both groups share, said once.
    XCTAssertTrue(lines[0].hasPrefix("All have lr=0.001 iters=20"), text)
    lines.removeFirst(lines.firstIndex { $0.hasPrefix("group") }! - 1)
    XCTAssertTrue(lines[1].hasPrefix("group"), text)
    XCTAssertTrue(lines[2].hasPrefix("sgd "), text)
    XCTAssertEqual(
      lines[3].split(separator: " ").map(String.init),
      ["adam", "3", "92.00", "2.00", "90.00", "94.00", "94.00", "10", "0", "0.300", "12.0s"])
    XCTAssertTrue(text.contains("95% CI ["), text)
  }

  func testLabelsShowWhatDiffers() throws {
    try fill()
    try record(optimizer: "adam", seed: 1, lr: 0.01, accuracies: [0.6, 0.8])
    let groups = try XCTUnwrap(parseJSON(report(["adam", "--format", "json"])) as? [[String: Any]])
    XCTAssertEqual(groups.map { $0["label"] as? String }, ["adam lr=0.001", "adam lr=0.01"])
    XCTAssertNil(groups[0]["welch"], "one group has a single run: no test")
    let table = try report(["adam"])
    XCTAssertTrue(table.contains("no t-test"), table)
  }

  func testFilters() throws {
    try fill()
    func runs(_ arguments: [String]) throws -> [Int] {
      let groups = try XCTUnwrap(
        parseJSON(report(arguments + ["--format", "json"])) as? [[String: Any]])
      return groups.map { $0["runs"] as? Int ?? -1 }
    }
    XCTAssertEqual(try runs(["adam"]), [3])
    XCTAssertEqual(try runs(["adam", "--status", "all"]), [4])
    XCTAssertEqual(try runs(["--status", "diverged"]), [1])
    XCTAssertEqual(try runs(["--tag", "k=v"]), [1])
    XCTAssertEqual(try runs(["--where", "seed=2"]), [1, 1])
    XCTAssertEqual(try runs(["--where", "lr=0.001", "--where", "beta1=0.9"]), [3])
  }

  func testMarginRecomputesLearningStart() throws {
    try fill()
    // Threshold 0.1135 + 0.5: adam starts at 20 in every run.
    let groups = try XCTUnwrap(
      parseJSON(report(["adam", "--margin", "0.5", "--format", "json"])) as? [[String: Any]])
    XCTAssertEqual(groups[0]["learning_start_median"] as? Int, 20)
    XCTAssertEqual(groups[0]["learning_margin"] as? Double, 0.5)
    XCTAssertThrowsError(try Tracker.parseAsRoot(["compare", "--margin", "1.5"]))
  }

  func testUnknownOptimizerListsThePresentOnes() throws {
    try fill()
    XCTAssertThrowsError(try report(["adam", "rmsprop"])) { error in
      XCTAssertEqual(
        "\(error)", "no completed runs of 'rmsprop' in \(path); present: adam (3), sgd (2)")
    }
    // A name that is no optimizer at all: the message every command gives.
    XCTAssertThrowsError(try report(["adam", "adma"])) { error in
      XCTAssertEqual(
        "\(error)",
        "unknown optimizer 'adma'; did you mean 'adam'? (sgd, momentum, adagrad, rmsprop, adam)")
    }
    XCTAssertThrowsError(try report(["--where", "lr=0.5"])) { error in
      XCTAssertTrue("\(error)".hasPrefix("no completed runs matching the filters in"), "\(error)")
    }
  }

  func testMalformedWhereIsAOneLineError() throws {
    try fill()
    for bad in ["lr", "speed=1", "lr=fast"] {
      XCTAssertThrowsError(try report(["--where", bad])) { error in
        XCTAssertTrue(error is StoreError, "\(type(of: error))")
        XCTAssertFalse("\(error)".contains("\n"))
      }
    }
  }

  func testEmptyAndMissingDatabases() throws {
    let compare = try command(["compare"], as: Tracker.Compare.self)
    XCTAssertThrowsError(try compare.run()) { error in
      XCTAssertTrue("\(error)".contains("no database at"), "\(error)")
      XCTAssertTrue("\(error)".contains("tracker run --opt adam"), "\(error)")
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: path), "compare created the database")

    _ = try store()  // an empty, migrated database
    XCTAssertThrowsError(try report([])) { error in
      XCTAssertEqual(
        "\(error)", "no runs in \(path) yet; record some with 'tracker run --opt adam'")
    }
  }

  /// The real binary: errors on stderr with a non-zero exit, results on stdout.
  func testBinaryExitCodes() throws {
    try fill()
    let good = try TrackerProcess.run(["compare", "--db", path, "--format", "json"])
    XCTAssertEqual(good.status, 0, good.stderr)
    XCTAssertEqual((try parseJSON(good.stdout) as? [Any])?.count, 2)
    let bad = try TrackerProcess.run(["compare", "--db", path, "--where", "nope=1"])
    XCTAssertNotEqual(bad.status, 0)
    XCTAssertEqual(bad.stdout, "")
    XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1, bad.stderr)
    let missing = folder.appending(path: "missing.sqlite").path
    let none = try TrackerProcess.run(["list", "--db", missing])
    XCTAssertNotEqual(none.status, 0)
    XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
  }

  /// `tracker run` stores the baseline of its test set and, when it finishes,
  /// the run's summary, which `compare` then reads.
  func testRunStoresBaselineAndSummaryForCompare() throws {
    let data = folder.appending(path: "data")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    try SyntheticData.write(to: data)
    for seed in ["1", "2"] {
      let run = try TrackerProcess.run([
        "run", "--db", path, "--data-dir", data.path, "--opt", "adam", "--lr", "0.01",
        "--iters", "40", "--batch-size", "20", "--seed", seed, "--quiet",
      ])
      XCTAssertEqual(run.status, 0, run.stderr)
    }
    let labels = try Dataset.load(name: "mnist", directory: data.path).testLabels
    let expected = try XCTUnwrap(LearningStart.baseline(testLabels: labels))
    let runs = try store().runs(matching: RunFilter())
    XCTAssertEqual(runs.count, 2)
    for run in runs {
      XCTAssertEqual(run.summary.baseline, expected)
      XCTAssertEqual(run.summary.margin, LearningStart.defaultMargin)
      XCTAssertNotNil(run.summary.finalTestAccuracy)
      XCTAssertNotNil(run.summary.finalLoss)
    }
    let groups = try XCTUnwrap(parseJSON(report(["--format", "json"])) as? [[String: Any]])
    XCTAssertEqual(groups.count, 1)
    XCTAssertEqual(groups[0]["runs"] as? Int, 2)
  }
}
