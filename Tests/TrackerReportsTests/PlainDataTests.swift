// PlainDataTests: the renderers work from values alone, with no database: runs
// and curves made by hand become a group chart, a run chart, compare's
// sparklines and the HTML report, each checked by parsing what it wrote.
import Foundation
import TrackerStore
import XCTest

@testable import TrackerReports

#if canImport(FoundationXML)
  import FoundationXML
#endif

final class PlainDataTests: XCTestCase {
  /// A completed run as the store would return it, built by hand.
  func run(_ seq: Int64, optimizer: String, lr: Double, finalAccuracy: Double) -> StoredRun {
    var run = StoredRun(
      seq: seq, id: "0000000\(seq)-run", name: nil, status: .completed, optimizer: optimizer,
      parameters: Array(repeating: .null, count: HyperParameter.allCases.count),
      startedAt: "2026-11-29T12:0\(seq):00.000Z", endedAt: "2026-11-29T12:0\(seq):10.000Z",
      durationSeconds: 10,
      summary: RunSummary(
        baseline: 0.1135, margin: LearningStart.defaultMargin, learningStart: 20,
        finalTestAccuracy: finalAccuracy, bestTestAccuracy: finalAccuracy, finalLoss: 0.3))
    run[.seed] = .integer(seq)
    run[.lr] = .real(lr)
    return run
  }

  /// Two runs of adam and one of sgd, grouped as compare groups them (the
  /// same lr, so each group is labelled by its optimizer alone).
  func groups() -> [RunGroup] {
    RunComparison.groups(
      [
        run(1, optimizer: "adam", lr: 0.01, finalAccuracy: 0.9),
        run(2, optimizer: "adam", lr: 0.01, finalAccuracy: 0.8),
        run(3, optimizer: "sgd", lr: 0.01, finalAccuracy: 0.2),
      ], optimizerOrder: ["sgd", "adam"])
  }

  /// Test accuracy at iterations 10, 20, 30: rising for adam, flat for sgd.
  func curves(_ groups: [RunGroup]) -> [GroupCurve] {
    groups.map { group in
      let rising = group.optimizer == "adam"
      return GroupCurve(
        group: group,
        band: zip([10, 20, 30], rising ? [0.3, 0.6, 0.9] : [0.1, 0.1, 0.1]).map {
          BandPoint(
            iteration: $0, mean: $1, minimum: $1 - 0.05, maximum: $1 + 0.05,
            runs: group.runs.count)
        })
    }
  }

  func testGroupChartFromPlainValues() throws {
    let chart = CurveCharts.groups(
      curves(groups()), metric: .testAccuracy, logScale: false, what: "completed runs")
    XCTAssertEqual(chart.series.map(\.label), ["sgd (1 run)", "adam (2 runs)"])
    XCTAssertEqual(chart.series.map(\.color), ["#E24A33", "#348ABD"], "SGD red, Adam blue")
    XCTAssertEqual(chart.series[1].points.map(\.y), [0.3, 0.6, 0.9])
    XCTAssertTrue(chart.series[0].band.isEmpty, "one run: no band")
    XCTAssertEqual(chart.series[1].band.map(\.low), [0.3, 0.6, 0.9].map { $0 - 0.05 })
    XCTAssertEqual(
      chart.subtitle,
      "mean over seeds (line) and min to max (band); ▲ median learning start, 3 completed runs."
        + " All have lr=0.01.")
    XCTAssertEqual(chart.markers.map(\.x), [20, 20], "each group's median learning start")
    XCTAssertEqual(chart.baseline?.label, "chance 11.35%")
    let svg = try XMLDocument(data: Data(chart.svg().utf8))
    let texts = try svg.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
    XCTAssertTrue(texts.contains("adam (2 runs)"), "\(texts)")
    XCTAssertEqual(try svg.nodes(forXPath: "//*[local-name()='path'][@class='line']").count, 2)
  }

  func testRunChartDrawsTheCurvesItIsGiven() {
    let adam = run(1, optimizer: "adam", lr: 0.001, finalAccuracy: 0.9)
    XCTAssertEqual(CurveCharts.runMetrics(.testAccuracy), [.trainAccuracy, .testAccuracy])
    let chart = CurveCharts.run(
      adam, metric: .testAccuracy, logScale: false,
      curves: [
        .trainAccuracy: [.init(iteration: 10, value: 0.5), .init(iteration: 20, value: 0.95)],
        .testAccuracy: [.init(iteration: 10, value: 0.4), .init(iteration: 20, value: 0.9)],
      ])
    XCTAssertEqual(chart.title, "accuracy: Adam")
    XCTAssertEqual(chart.series.map(\.label), ["training set", "test set"])
    XCTAssertEqual(chart.series[1].points.map(\.y), [0.4, 0.9])
    XCTAssertTrue(chart.subtitle.hasPrefix("run 00000001, seed 1, lr=0.001"), chart.subtitle)
  }

  func testCompareSparklinesFromPlainValues() {
    let lines = Sparkline.compareLines(curves(groups()))
    XCTAssertEqual(
      lines,
      [
        "test accuracy, mean over runs (iterations 10-30; ▁ 0% to █ 100%):",
        "  sgd   ▁▁▁",
        "  adam  ▃▅█",
      ])
    XCTAssertEqual(Sparkline.compareLines([]), [], "no evaluations: no lines")
  }

  func testHTMLReportFromPlainValues() throws {
    let groups = groups()
    let runs = groups.flatMap(\.runs)
    var curves: [CurveMetric: [GroupCurve]] = [:]
    for chart in HTMLReport.charts { curves[chart.metric] = self.curves(groups) }
    let html = HTMLReport(
      title: "plain <report>", databasePath: "/nowhere/none.sqlite",
      generatedAt: Date(timeIntervalSince1970: 0), trackerVersion: "9.9.9", runs: runs,
      groups: groups, margin: LearningStart.defaultMargin, curves: curves,
      testCurves: [1: [.init(iteration: 10, value: 1)]]
    ).html()
    let document = try XMLDocument(data: Data(html.utf8))
    XCTAssertEqual(
      try document.nodes(forXPath: "//*[local-name()='svg'][@role='img']").count,
      HTMLReport.charts.count + 1, "the curves and the final accuracies")
    let meta = try XCTUnwrap(
      document.nodes(forXPath: "//*[local-name()='p'][@class='meta']").first?.stringValue)
    XCTAssertEqual(
      meta,
      "Database /nowhere/none.sqlite, 3 runs (3 completed). Generated 1970-01-01 00:00 UTC"
        + " by tracker 9.9.9.")
    XCTAssertTrue(html.contains("<title>plain &lt;report&gt;</title>"))
  }
}
