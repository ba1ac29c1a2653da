// RunSettingsTests: the one settings-to-columns mapping. What `begin` stores
// reads back as the same values, a run is found by its own settings (sweep's
// "already done" check), and an optimizer's unused hyperparameters are NULL.
import Foundation
import TrackerTestSupport
import XCTest

@testable import TrackerStore

final class RunSettingsTests: StoreTestCase {
  func testEveryHyperParameterHasItsColumnInOrder() {
    let settings = makeRun().settings
    XCTAssertEqual(settings.parameters.map(\.parameter), HyperParameter.allCases)
    XCTAssertEqual(
      settings.columns.map(\.name),
      ["optimizer"] + HyperParameter.allCases.map(\.rawValue) + ["dataset_hash"])
  }

  func testOnlyTheOptimizersOwnHyperParametersAreKept() {
    for optimizer in ["sgd", "momentum", "adagrad", "rmsprop", "adam"] {
      let settings = RunFixture.settings(optimizer: optimizer)
      let kept = settings.parameters.filter { $0.parameter.kind == .optionalReal }
        .filter { $0.value != .null }.map(\.parameter)
      XCTAssertEqual(kept, HyperParameter.allCases.filter { $0.optimizer == optimizer }, optimizer)
    }
  }

  func testStoredColumnsReadBackAndFindTheRun() throws {
    let store = try RunStore.open(path: path)
    let run = makeRun()
    try store.begin(run).finish(status: .completed, endedAt: run.startedAt + 1)
    let stored = try XCTUnwrap(store.run(id: run.id))
    XCTAssertEqual(stored.optimizer, run.settings.optimizer)
    XCTAssertEqual(stored.parameters, run.settings.parameters.map(\.value))
    XCTAssertEqual(
      try rows(store.database, "SELECT dataset_hash FROM runs"), [[.text("abc123")]])

    let same = RunFilter(sameAs: run.settings, statuses: [.completed])
    XCTAssertEqual(try store.runs(matching: same).map(\.id), [run.id])
    var other = run.settings
    other.seed += 1
    XCTAssertEqual(try store.count(matching: RunFilter(sameAs: other, statuses: [.completed])), 0)
    XCTAssertNil(try store.run(id: UUID().uuidString.lowercased()))
  }
}
