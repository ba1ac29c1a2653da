// RunComparisonTests: grouping runs that differ only by seed, labelling groups
// by what differs, and the per-group statistics, checked by hand.
import Foundation
import TrackerTestSupport
import XCTest

@testable import TrackerStore

final class RunComparisonTests: StoreTestCase {
  func testGroupsLabelsAndStatistics() throws {
    let store = try RunStore.open(path: path)
    // adam lr 0.001: final accuracies 0.90, 0.94, 0.92; starts 10, 20, 10.
    try RunFixture.record(
      into: store, optimizer: "adam", seed: 1, accuracies: [0.5, 0.90], lastLoss: 0.2, duration: 10)
    try RunFixture.record(
      into: store, optimizer: "adam", seed: 2, accuracies: [0.1, 0.94], lastLoss: 0.4, duration: 14)
    try RunFixture.record(
      into: store, optimizer: "adam", seed: 3, accuracies: [0.3, 0.92], lastLoss: 0.3, duration: 12)
    // adam lr 0.01: one run.
    try RunFixture.record(
      into: store, optimizer: "adam", seed: 1, lr: 0.01, accuracies: [0.6, 0.8])
    // sgd (same lr as the first group): never starts, twice.
    try RunFixture.record(
      into: store, optimizer: "sgd", seed: 1, accuracies: [0.11, 0.12], lastLoss: 2.3)
    try RunFixture.record(
      into: store, optimizer: "sgd", seed: 2, accuracies: [0.10, 0.11], lastLoss: 2.2)

    let groups = RunComparison.groups(
      try store.runs(matching: RunFilter()), optimizerOrder: ["sgd", "adam"])
    XCTAssertEqual(groups.map(\.label), ["sgd lr=0.001", "adam lr=0.001", "adam lr=0.01"])
    XCTAssertEqual(groups.map(\.runs.count), [2, 3, 1])

    let adam = groups[1]
    let accuracy = try XCTUnwrap(adam.finalTestAccuracy)
    XCTAssertEqual(accuracy.mean, 0.92, accuracy: 1e-12)
    // Deviations -0.02, 0.02, 0: squares 0.0008 / 2 = 0.0004, sqrt 0.02.
    XCTAssertEqual(try XCTUnwrap(accuracy.standardDeviation), 0.02, accuracy: 1e-12)
    XCTAssertEqual(accuracy.minimum, 0.90)
    XCTAssertEqual(accuracy.maximum, 0.94)
    XCTAssertEqual(adam.bestTestAccuracy?.maximum, 0.94)
    XCTAssertEqual(adam.learningStartMedian, 10)  // 10, 10, 20
    XCTAssertEqual(adam.neverStarted, 0)
    XCTAssertEqual(try XCTUnwrap(adam.finalLoss?.mean), 0.3, accuracy: 1e-12)
    XCTAssertEqual(try XCTUnwrap(adam.duration?.mean), 12, accuracy: 1e-9)
    XCTAssertEqual(adam.value(.lr), .real(0.001))
    XCTAssertEqual(adam.value(.beta1), .real(0.9))

    let sgd = groups[0]
    XCTAssertNil(sgd.learningStartMedian, "no run started")
    XCTAssertEqual(sgd.neverStarted, 2)
    XCTAssertEqual(sgd.value(.beta1), .null)

    XCTAssertNil(groups[2].finalTestAccuracy?.standardDeviation, "one run: no sd")
  }

  func testLabelIsTheOptimizerWhenOnlyOptimizerSpecificParametersDiffer() throws {
    let store = try RunStore.open(path: path)
    try RunFixture.record(into: store, optimizer: "adam", seed: 1)
    try RunFixture.record(into: store, optimizer: "momentum", seed: 1)
    try RunFixture.record(into: store, optimizer: "sgd", seed: 1)
    let groups = RunComparison.groups(try store.runs(matching: RunFilter()))
    // beta1/beta2/momentum are NULL where unused: no label needs them.
    XCTAssertEqual(
      groups.map(\.label), ["adam", "momentum", "sgd"], "alphabetical without an order")
  }

  func testMedianOfAnEvenNumberOfStarts() throws {
    let store = try RunStore.open(path: path)
    try RunFixture.record(into: store, seed: 1, accuracies: [0.5, 0.9])  // starts at 10
    try RunFixture.record(into: store, seed: 2, accuracies: [0.1, 0.9])  // starts at 20
    try RunFixture.record(into: store, seed: 3, accuracies: [0.1, 0.1])  // never
    let group = try XCTUnwrap(RunComparison.groups(try store.runs(matching: RunFilter())).first)
    XCTAssertEqual(group.learningStartMedian, 15)
    XCTAssertEqual(group.neverStarted, 1)
  }
}
