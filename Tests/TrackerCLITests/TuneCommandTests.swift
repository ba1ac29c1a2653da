// `tracker tune` end to end: the real binary tuning on the small synthetic data
// set (search, select, confirm, report; resumed without running anything), and
// the report of hand-made databases where validation and test accuracy disagree,
// where the best rate sits on the edge of the grid, and where a rate diverged.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

final class TuneCommandTests: ProcessTestCase {
  // MARK: - The real thing

  func testTuneSearchesSelectsConfirmsAndResumesWithoutRunningAnything() throws {
    let args = [
      "tune", "--db", db, "--data-dir", dataDir.path, "--opt", "sgd,adam", "--lr", "0.01..1",
      "--points", "3", "--seeds", "1-3", "--iters", "40", "--batch-size", "20",
      "--eval-interval", "10", "--validation", "100", "--jobs", "2", "--name", "t1",
    ]
    let first = try tracker(args)
    XCTAssertEqual(first.status, 0, first.stderr)
    // Search: 2 optimizers x 3 rates x 2 seeds, one evaluation each (at 40), with
    // its validation accuracy; confirm: 2 optimizers x 3 seeds, every 10.
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE eval_interval = 40"), 12)
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE eval_interval = 10"), 6)
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE status = 'completed'"), 18)
    XCTAssertEqual(
      try int(
        "SELECT count(*) FROM evals e JOIN runs r ON r.seq = e.run_seq WHERE r.eval_interval = 40"),
      12)
    XCTAssertEqual(try int("SELECT count(*) FROM runs WHERE final_val_acc IS NULL"), 0)
    XCTAssertEqual(try int("SELECT count(DISTINCT validation) FROM runs"), 1)
    XCTAssertEqual(
      try int("SELECT count(*) FROM run_tags WHERE key = 'tune' AND value = 't1'"), 18)
    XCTAssertEqual(
      try int("SELECT count(*) FROM run_tags WHERE key = 'tune-stage' AND value = 'search'"), 12)
    XCTAssertEqual(try int("SELECT count(*) FROM tunes WHERE name = 't1'"), 1)
    // The report names what matters.
    for text in ["rank", "Holm", "VALIDATION", "sgd", "adam", "search seeds 1-2"] {
      XCTAssertTrue(first.stdout.contains(text), first.stdout)
    }

    // Again: nothing new runs, and the report is the same.
    let again = try tracker(args)
    XCTAssertEqual(again.status, 0, again.stderr)
    XCTAssertTrue(again.stderr.contains("search: 12 runs, 12 already done, 0 to run"), again.stderr)
    XCTAssertTrue(again.stderr.contains("confirm: 6 runs, 6 already done, 0 to run"), again.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 18)
    XCTAssertEqual(again.stdout, first.stdout)
    // And from the database alone.
    let report = try tracker(["tune", "--db", db, "--report", "t1"])
    XCTAssertEqual(report.status, 0, report.stderr)
    XCTAssertEqual(report.stdout, first.stdout)

    // Other settings under the same name are refused; the database is untouched.
    var other = args
    other[other.firstIndex(of: "1-3")!] = "1-4"
    let refused = try tracker(other)
    XCTAssertNotEqual(refused.status, 0)
    XCTAssertTrue(refused.stderr.contains("a tune named 't1' with other settings"), refused.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 18)
  }

  // MARK: - Hand-made databases

  func report(_ format: String = "json") throws -> ProcessResult {
    try tracker(["tune", "--db", db, "--report", "made", "--format", format])
  }

  func optimizers(_ json: String) throws -> [String: [String: Any]] {
    let root = try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let list = try XCTUnwrap(root["optimizers"] as? [[String: Any]])
    return Dictionary(uniqueKeysWithValues: list.map { ($0["optimizer"] as! String, $0) })
  }

  func testSelectionUsesValidationNeverTestAccuracy() throws {
    let store = try RunStore.open(path: db)
    _ = try makeTune(store)
    // sgd: lr 0.1 is best on validation (0.8 vs 0.6), lr 1 on test (0.95 vs 0.7).
    for seed: Int64 in [1, 2] {
      for (lr, test, validation) in [(0.01, 0.3, 0.3), (0.1, 0.7, 0.8), (1.0, 0.95, 0.6)] {
        try record(
          store, "sgd", lr: lr, seed: seed, search: true, test: [test], validation: validation)
        try record(
          store, "adam", lr: lr, seed: seed, search: true, test: [test], validation: validation)
      }
    }
    for seed: Int64 in [1, 2, 3] {
      let final = 0.7 + Double(seed) / 100
      try record(
        store, "sgd", lr: 0.1, seed: seed, search: false, test: [0.2, 0.6, final], validation: 0.8)
      try record(
        store, "adam", lr: 0.1, seed: seed, search: false, test: [0.6, 0.8, final + 0.1],
        validation: 0.8)
    }
    let r = try report()
    XCTAssertEqual(r.status, 0, r.stderr)
    let sgd = try XCTUnwrap(try optimizers(r.stdout)["sgd"])
    XCTAssertEqual(sgd["selected_lr"] as? Double, 0.1)
    XCTAssertEqual(sgd["runs"] as? Int, 3)
    XCTAssertEqual(sgd["final_test_acc_mean"] as! Double, 0.72, accuracy: 1e-12)
    XCTAssertEqual(sgd["time_to_target_median"] as? Int, 20)
    XCTAssertEqual(sgd["rank"] as? Int, 2)
    let adam = try XCTUnwrap(try optimizers(r.stdout)["adam"])
    XCTAssertEqual(adam["rank"] as? Int, 1)
    XCTAssertEqual(adam["time_to_target_median"] as? Int, 10)
    XCTAssertTrue(adam["versus_best"] is NSNull)
    let versus = try XCTUnwrap(sgd["versus_best"] as? [String: Any])
    XCTAssertEqual(versus["difference"] as! Double, 0.1, accuracy: 1e-9)
    // One comparison: Holm leaves its p as it is.
    XCTAssertEqual(versus["p_holm"] as? Double, versus["p_value"] as? Double)
  }

  func testEdgeOfGridAndDivergedRatesAreFlaggedAndNeverWin() throws {
    let store = try RunStore.open(path: db)
    _ = try makeTune(store)
    for seed: Int64 in [1, 2] {
      // sgd: best at lr 1, the top of the grid.
      for (lr, validation) in [(0.01, 0.2), (0.1, 0.5), (1.0, 0.9)] {
        try record(
          store, "sgd", lr: lr, seed: seed, search: true, test: [validation], validation: validation
        )
      }
      // adam: lr 1 scores best but one of its runs diverged, so lr 0.1 wins.
      for (lr, validation) in [(0.01, 0.4), (0.1, 0.6), (1.0, 0.95)] {
        try record(
          store, "adam", lr: lr, seed: seed, search: true, test: [validation],
          validation: validation, status: lr == 1 && seed == 2 ? .diverged : .completed)
      }
    }
    let r = try report()
    XCTAssertEqual(r.status, 0, r.stderr)
    let all = try optimizers(r.stdout)
    XCTAssertEqual(all["sgd"]?["edge_of_grid"] as? String, "high")
    XCTAssertEqual(all["sgd"]?["selected_lr"] as? Double, 1)
    XCTAssertEqual(all["adam"]?["selected_lr"] as? Double, 0.1)
    XCTAssertTrue(all["adam"]?["edge_of_grid"] is NSNull)
    let adamSearch = try XCTUnwrap(all["adam"]?["search"] as? [[String: Any]])
    XCTAssertEqual(adamSearch[2]["blown_up"] as? Int, 1)
    XCTAssertTrue(adamSearch[2]["val_acc_mean"] is NSNull)
    // No confirm runs yet: said, not hidden.
    XCTAssertEqual(all["sgd"]?["missing"] as? Int, 3)
    let table = try report("table")
    XCTAssertTrue(
      table.stdout.contains("warning: sgd: the selected lr 1 is the largest of the grid"),
      table.stdout)
    XCTAssertTrue(table.stdout.contains("sgd: 3 confirm runs missing"), table.stdout)
  }

  func testEveryJSONKeyIsDocumented() throws {
    let store = try RunStore.open(path: db)
    _ = try makeTune(store)
    for seed: Int64 in [1, 2] {
      for lr in [0.01, 0.1, 1.0] {
        for optimizer in ["sgd", "adam"] {
          try record(store, optimizer, lr: lr, seed: seed, search: true, test: [lr], validation: lr)
        }
      }
    }
    for seed: Int64 in [1, 2, 3] {
      for optimizer in ["sgd", "adam"] {
        try record(
          store, optimizer, lr: 1, seed: seed, search: false,
          test: [
            0.5, 0.7, optimizer == "sgd" ? 0.8 + Double(seed) / 100 : 0.9 - Double(seed) / 50,
          ],
          validation: 1)
      }
    }
    let r = try report()
    XCTAssertEqual(r.status, 0, r.stderr)
    var keys = Set<String>()
    func collect(_ value: Any) {
      if let object = value as? [String: Any] {
        for (key, member) in object {
          keys.insert(key)
          collect(member)
        }
      } else if let array = value as? [Any] {
        array.forEach(collect)
      }
    }
    collect(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)))
    let docs = try String(
      contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/tune.md"), encoding: .utf8)
    XCTAssertGreaterThan(keys.count, 30)
    for key in keys.sorted() {
      XCTAssertTrue(docs.contains("`\(key)`"), "JSON key \(key) is not in docs/tune.md")
    }
  }

  func testUnknownTuneAndBadGridAreOneLineErrors() throws {
    let store = try RunStore.open(path: db)
    _ = try makeTune(store)
    let unknown = try tracker(["tune", "--db", db, "--report", "nope"])
    XCTAssertNotEqual(unknown.status, 0)
    XCTAssertTrue(
      unknown.stderr.contains("no tune named 'nope' in \(db) (tunes: made)"), unknown.stderr)
    for (lr, expected) in [
      ("10..1e-4", "must go from the smaller rate to the larger"),
      ("0..1", "is not a positive learning rate"),
    ] {
      let r = try tracker(["tune", "--db", db, "--data-dir", dataDir.path, "--lr", lr])
      XCTAssertEqual(r.status, 64, r.stderr)
      XCTAssertTrue(r.stderr.contains(expected), r.stderr)
    }
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 0)
  }
}
