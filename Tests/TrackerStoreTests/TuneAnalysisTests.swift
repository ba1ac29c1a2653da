// TuneAnalysis without a database: Holm's adjustment against worked values, the
// tie rule of the selection, and the 95% interval against a published t quantile.
import TrackerStore
import TrackerTestSupport
import XCTest

final class TuneAnalysisTests: XCTestCase {
  func testHolmAdjustsStepDownAndStaysMonotone() {
    // Sorted 0.01, 0.03, 0.04: x3 = 0.03, x2 = 0.06, x1 = 0.04 -> raised to 0.06.
    let adjusted = TuneAnalysis.holm([0.01, 0.04, 0.03])
    XCTAssertEqual(adjusted[0], 0.03, accuracy: 1e-15)
    XCTAssertEqual(adjusted[1], 0.06, accuracy: 1e-15)
    XCTAssertEqual(adjusted[2], 0.06, accuracy: 1e-15)
    XCTAssertEqual(TuneAnalysis.holm([0.6, 0.2]), [0.6, 0.4])
    XCTAssertEqual(TuneAnalysis.holm([0.7, 0.6]), [1, 1], "capped at 1")
    XCTAssertEqual(TuneAnalysis.holm([]), [])
  }

  func run(lr: Double, seed: Int64, validation: Double?, test: Double = 0.5) -> StoredRun {
    let settings = RunFixture.settings(optimizer: "sgd", seed: seed, lr: lr)
    return StoredRun(
      seq: seed, id: "\(lr)-\(seed)", name: nil, status: .completed, optimizer: "sgd",
      parameters: settings.parameters.map(\.value), startedAt: "", endedAt: nil,
      durationSeconds: nil,
      summary: RunSummary(
        baseline: 0.1135, margin: 0.05, finalTestAccuracy: test, finalLoss: 0.3,
        finalValidationAccuracy: validation))
  }

  func testTiesGoToTheSmallerRateAndIncompleteRatesNeverWin() {
    let search = TuneAnalysis.Search(
      optimizer: "sgd",
      points: [
        .init(lr: 0.01, runs: [run(lr: 0.01, seed: 1, validation: 0.5)]),
        .init(lr: 0.1, runs: [run(lr: 0.1, seed: 1, validation: 0.9)]),
        .init(lr: 1, runs: [run(lr: 1, seed: 1, validation: 0.9)]),
        .init(lr: 10, runs: [nil]),
        .init(lr: 100, runs: [run(lr: 100, seed: 1, validation: nil)]),
      ])
    XCTAssertEqual(search.selectedLR, 0.1)
    XCTAssertNil(search.edge)
    XCTAssertNil(search.points[3].score, "missing run")
    XCTAssertEqual(search.points[4].blownUp, 1, "no validation accuracy")
  }

  func testConfidenceIntervalUsesStudentT() {
    let search = TuneAnalysis.Search(
      optimizer: "sgd", points: [.init(lr: 0.1, runs: [run(lr: 0.1, seed: 1, validation: 0.9)])])
    XCTAssertEqual(search.edge, nil, "a one-point grid has no edge")
    let tests = [0.90, 0.92, 0.94]
    let result = TuneAnalysis.confirm(
      search,
      runs: tests.enumerated().map {
        TuneAnalysis.ConfirmRun(
          run: run(lr: 0.1, seed: Int64($0.offset + 1), validation: 0.9, test: $0.element),
          timeToTarget: $0.offset == 2 ? nil : 10 * ($0.offset + 1))
      })
    // mean 0.92, sd 0.02, t(0.975, 2) = 4.302653 (tables): half-width 0.049683.
    let ci = try! XCTUnwrap(result.confidenceInterval)
    XCTAssertEqual(ci.lowerBound, 0.92 - 4.302653 * 0.02 / 3.0.squareRoot(), accuracy: 1e-6)
    XCTAssertEqual(ci.upperBound, 0.92 + 4.302653 * 0.02 / 3.0.squareRoot(), accuracy: 1e-6)
    // Times 10, 20, never: the median run reached it at 20.
    XCTAssertEqual(result.timeToTargetMedian, 20)
    XCTAssertEqual(result.reachedTarget, 2)
  }
}
