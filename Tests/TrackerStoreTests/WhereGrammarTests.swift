// WhereGrammarTests: the `--where` grammar against a real database (every
// operator, in-lists, nulls, summary metrics, status), its one-line errors,
// `--sort`, grouping by chosen keys, and the ambiguous-prefix message.
import Foundation
import TrackerTestSupport
import XCTest

@testable import TrackerStore

final class WhereGrammarTests: StoreTestCase {
  var store: RunStore!

  /// adam lr 0.001 (final 0.9) and 0.1 (0.5), sgd lr 0.1 (0.2), momentum
  /// lr 0.01 failed (0.3), and a running adam run with no summary yet.
  override func setUpWithError() throws {
    try super.setUpWithError()
    store = try RunStore.open(path: path)
    try RunFixture.record(into: store, seed: 1, lr: 0.001, accuracies: [0.1, 0.9], name: "a1")
    try RunFixture.record(into: store, seed: 2, lr: 0.1, accuracies: [0.1, 0.5], hour: 1)
    try RunFixture.record(
      into: store, optimizer: "sgd", seed: 3, lr: 0.1, accuracies: [0.1, 0.2], hour: 2)
    try RunFixture.record(
      into: store, optimizer: "momentum", seed: 4, lr: 0.01, accuracies: [0.1, 0.3],
      status: .failed, hour: 3)
    try RunFixture.record(into: store, seed: 5, accuracies: [0.1, 0.2], status: .running, hour: 4)
  }

  /// The seeds of the runs the conditions select, in seq order.
  func seeds(_ conditions: String...) throws -> [Int64] {
    var filter = RunFilter()
    filter.predicates = try conditions.map(WhereCondition.init(parsing:))
    return try store.runs(matching: filter).map(\.seed)
  }

  func testEveryOperator() throws {
    XCTAssertEqual(try seeds("lr=0.1"), [2, 3])
    XCTAssertEqual(try seeds("lr == 0.1"), [2, 3], "== reads as =")
    XCTAssertEqual(try seeds("lr!=0.1"), [1, 4, 5])
    XCTAssertEqual(try seeds("lr<0.01"), [1, 5])
    XCTAssertEqual(try seeds("lr<=0.01"), [1, 4, 5])
    XCTAssertEqual(try seeds("lr>0.01"), [2, 3])
    XCTAssertEqual(try seeds("lr >= 0.01"), [2, 3, 4])
    XCTAssertEqual(try seeds("seed in (1,3, 5)"), [1, 3, 5])
    XCTAssertEqual(try seeds("optimizer in (sgd,momentum)"), [3, 4])
    XCTAssertEqual(try seeds("optimizer IN(adam)", "lr=0.001"), [1, 5], "AND between conditions")
  }

  func testNullsSummaryMetricsStatusAndName() throws {
    // beta1 is NULL where the optimizer is not adam; != keeps those runs.
    XCTAssertEqual(try seeds("beta1=null"), [3, 4])
    XCTAssertEqual(try seeds("beta1!=0.9"), [3, 4])
    XCTAssertEqual(try seeds("batchnorm=false"), [1, 2, 3, 4, 5])
    XCTAssertEqual(try seeds("batchnorm=on"), [])
    // The running run has no final accuracy: never matched by > or <.
    XCTAssertEqual(try seeds("final_test_acc>0.4"), [1, 2])
    XCTAssertEqual(try seeds("final_test_acc>=50%"), [1, 2], "a percentage reads as a fraction")
    XCTAssertEqual(try seeds("final_test_acc=null"), [5])
    XCTAssertEqual(try seeds("best_test_acc<0.35"), [3, 4])
    XCTAssertEqual(try seeds("final_loss<=0.3"), [1, 2, 3, 4])
    XCTAssertEqual(try seeds("duration_s>5"), [1, 2, 3, 4])
    XCTAssertEqual(try seeds("learning_start<=20", "lr=0.001"), [1])
    XCTAssertEqual(try seeds("status in (failed, running)"), [4, 5])
    XCTAssertEqual(try seeds("status!=completed"), [4, 5])
    XCTAssertEqual(try seeds("name=a1"), [1])
    XCTAssertEqual(try seeds("name=null", "optimizer=adam"), [2, 5])
    XCTAssertEqual(try seeds("batch-size=100", "dataset=mnist", "hidden=40,20").count, 5)
  }

  func testValuesAreBoundNotSpliced() throws {
    XCTAssertEqual(try seeds("name=x' OR 1=1 --"), [])
    XCTAssertEqual(try seeds("activation in (sigmoid) OR 1=1)"), [], "a value, not SQL")
    XCTAssertEqual(try store.count(matching: RunFilter()), 5, "nothing was touched")
  }

  func testErrorsNameTheBadPartAndTheFix() throws {
    let cases: [(String, String)] = [
      ("colour=1", "--where 'colour=1': unknown key 'colour'; valid keys: optimizer, seed, lr,"),
      ("lrr=1", "unknown key 'lrr'; did you mean 'lr'?"),
      ("lr", "--where 'lr': expected an operator after 'lr': =, !=, <, <=, >, >= or in (...)"),
      ("=1", "--where '=1': expected KEY=VALUE"),
      ("lr=", "give a value after '=', e.g. lr=0.01"),
      ("lr=fast", "--where 'lr=fast': 'fast' is not a valid lr; expected a number"),
      ("momentum<abc", "'abc' is not a valid momentum; expected a number or null"),
      ("iters>1.5", "expected an integer"),
      ("lr=null", "expected a number"),
      ("batchnorm=maybe", "expected true or false"),
      ("final_test_acc>90", "expected a fraction from 0 to 1 (0.9) or a percentage (90%)"),
      ("status=done", "expected one of running, completed, failed, interrupted, diverged"),
      ("activation<relu", "'<' compares numbers and activation is not one; use =, != or in (...)"),
      ("momentum>null", "null only goes with = or != (e.g. momentum=null)"),
      ("seed in 1,2", "write the values of 'in' in parentheses, e.g. 'seed in (a,b)'"),
      ("seed in (1,,2)", "give one or more values between the commas"),
    ]
    for (text, expected) in cases {
      XCTAssertThrowsError(try WhereCondition(parsing: text), text) { error in
        XCTAssertTrue(error is StoreError, text)
        XCTAssertTrue("\(error)".contains(expected), "\(text): \(error)")
        XCTAssertFalse("\(error)".contains("\n"), text)
      }
    }
  }

  func testSortOrdersWithMissingValuesLast() throws {
    func order(_ text: String) throws -> [Int64] {
      try store.runs(matching: RunFilter(), order: RunOrder(parsing: text)).map(\.seed)
    }
    XCTAssertEqual(try order("final_test_acc:desc"), [1, 2, 4, 3, 5])
    XCTAssertEqual(try order("final_test_acc"), [3, 4, 2, 1, 5])
    XCTAssertEqual(try order("started_at"), [1, 2, 3, 4, 5])
    XCTAssertEqual(try order("lr:desc"), [3, 2, 4, 5, 1], "ties newest first")
    XCTAssertThrowsError(try RunOrder(parsing: "acc")) { error in
      XCTAssertTrue("\(error)".hasPrefix("--sort 'acc': unknown key 'acc';"), "\(error)")
    }
    XCTAssertThrowsError(try RunOrder(parsing: "lr:down")) { error in
      XCTAssertEqual(
        "\(error)", "--sort 'lr:down': 'down' is not a direction; write lr:desc or lr:asc")
    }
  }

  func testGroupByPoolsOtherSettingsAndSays() throws {
    let runs = try store.runs(matching: RunFilter(statuses: [.completed]))
    let byOptimizer = RunComparison.groups(runs, by: [.optimizer], optimizerOrder: ["sgd", "adam"])
    XCTAssertEqual(byOptimizer.map(\.label), ["sgd", "adam"])
    XCTAssertEqual(byOptimizer.map(\.runs.count), [1, 2])
    XCTAssertEqual(byOptimizer[1].finalTestAccuracy?.mean ?? 0, 0.7, accuracy: 1e-12)
    XCTAssertEqual(RunComparison.pooled(byOptimizer), ["lr"])
    XCTAssertEqual(
      RunComparison.pooledNote(byOptimizer),
      "Grouped by the label's settings only: runs differing in lr are pooled, so a group's"
        + " statistics mix them.")

    let byRate = RunComparison.groups(runs, by: try GroupKey.list(parsing: "lr"))
    XCTAssertEqual(byRate.map(\.label), ["lr=0.001", "lr=0.1"])
    XCTAssertEqual(byRate[1].optimizer, "mixed")
    XCTAssertEqual(RunComparison.pooled(byRate), ["optimizer", "beta1", "beta2"])
    // The usual grouping pools nothing.
    XCTAssertNil(RunComparison.pooledNote(RunComparison.groups(runs)))

    XCTAssertThrowsError(try GroupKey.list(parsing: "optimizer,lrate")) { error in
      XCTAssertTrue(
        "\(error)".hasPrefix("--group-by 'optimizer,lrate': unknown key 'lrate'; valid keys:"),
        "\(error)")
    }
    XCTAssertThrowsError(try GroupKey.list(parsing: "seed"))
  }

  func testGroupOrder() throws {
    let runs = try store.runs(matching: RunFilter(statuses: [.completed, .failed]))
    let groups = RunComparison.groups(runs)
    func labels(_ text: String) throws -> [String] {
      try GroupOrder(parsing: text).sorted(groups).map(\.label)
    }
    let best = ["adam lr=0.001", "adam lr=0.1", "momentum lr=0.01", "sgd lr=0.1"]
    XCTAssertEqual(try labels("acc:desc"), best)
    XCTAssertEqual(try labels("acc"), best.reversed())
    XCTAssertEqual(try labels("label"), best)
    XCTAssertEqual(try labels("label:desc"), best.reversed())
    XCTAssertThrowsError(try GroupOrder(parsing: "accuracy")) { error in
      XCTAssertTrue("\(error)".contains("unknown key 'accuracy'"), "\(error)")
    }
  }

  func testAmbiguousPrefixShowsTheSettingsThatDiffer() throws {
    let other = try RunStore.open(path: folder.appending(path: "other.db").path)
    try RunFixture.record(
      into: other, seed: 3, lr: 0.001, id: "3f2a9c1e-0000-4000-8000-000000000001")
    try RunFixture.record(into: other, seed: 3, lr: 0.1, id: "3f88aa01-0000-4000-8000-000000000002")
    XCTAssertThrowsError(try other.resolve("3f")) { error in
      XCTAssertEqual(
        "\(error)",
        "'3f' matches 2 runs in \(other.database.path): 3f2a9c1e adam seed 3 lr=0.001,"
          + " 3f88aa01 adam seed 3 lr=0.1; give more characters of the id")
    }
  }
}
