// LearningStartTests: when a run starts learning, on hand-made curves, and the
// summary computed from a run's metrics.
import XCTest

@testable import TrackerStore

final class LearningStartTests: XCTestCase {
  /// Evaluations every 10 iterations with these test accuracies.
  func curve(_ accuracies: [Double]) -> [(iteration: Int, testAccuracy: Double)] {
    accuracies.enumerated().map { ((($0.offset + 1) * 10), $0.element) }
  }

  // Threshold 0.1635: the MNIST baseline 0.1135 plus the default margin 0.05.
  let threshold = 0.1135 + LearningStart.defaultMargin

  func testNeverStarted() {
    XCTAssertNil(LearningStart.iteration(curve([0.10, 0.11, 0.1135, 0.16]), threshold: threshold))
    XCTAssertNil(LearningStart.iteration([], threshold: threshold), "no evaluations")
  }

  func testStartsAtTheFirstPoint() {
    XCTAssertEqual(LearningStart.iteration(curve([0.5, 0.7, 0.9]), threshold: threshold), 10)
  }

  func testADipResetsTheStart() {
    // Above from 20, dips below at 40, above again from 50 on.
    let accuracies = [0.10, 0.30, 0.40, 0.15, 0.50, 0.60]
    XCTAssertEqual(LearningStart.iteration(curve(accuracies), threshold: threshold), 50)
  }

  func testOnlyTheLastPoint() {
    XCTAssertEqual(LearningStart.iteration(curve([0.1, 0.1, 0.1, 0.9]), threshold: threshold), 40)
    // ... and a last point below means never, however good the run was before.
    XCTAssertNil(LearningStart.iteration(curve([0.9, 0.9, 0.9, 0.1]), threshold: threshold))
  }

  func testTheThresholdItselfCounts() {
    XCTAssertEqual(LearningStart.iteration(curve([0.1, threshold]), threshold: threshold), 20)
  }

  func testBaselineIsTheShareOfTheMostFrequentLabel() throws {
    // 1135 ones among 10,000 labels, as in the MNIST test set; 985 of each other class.
    let labels =
      [UInt8](repeating: 1, count: 1135)
      + (0..<8865).map { UInt8([0, 2, 3, 4, 5, 6, 7, 8, 9][$0 % 9]) }
    XCTAssertEqual(
      try XCTUnwrap(LearningStart.baseline(testLabels: labels)), 0.1135, accuracy: 1e-15)
    XCTAssertEqual(LearningStart.baseline(testLabels: [UInt8]([7, 7, 7, 7])), 1)
    XCTAssertNil(LearningStart.baseline(testLabels: [UInt8]()))
  }

  func testSummaryOfACurve() {
    let summary = RunSummary.compute(
      evaluations: curve([0.1, 0.3, 0.8, 0.7]), lastLoss: 0.25, baseline: 0.1135)
    XCTAssertEqual(
      summary,
      RunSummary(
        baseline: 0.1135, margin: 0.05, learningStart: 20, finalTestAccuracy: 0.7,
        bestTestAccuracy: 0.8, finalLoss: 0.25))
    let unknownBaseline = RunSummary.compute(
      evaluations: curve([0.9]), lastLoss: nil, baseline: nil)
    XCTAssertNil(unknownBaseline.learningStart, "no baseline, no learning start")
    XCTAssertEqual(unknownBaseline.finalTestAccuracy, 0.9)
  }
}
