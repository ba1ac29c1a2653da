// MixedChartsTests: every chart drawn for a deliberately mixed set of runs
// (an lr grid of sgd and adam over seeds, a bimodal adam group, a relu 100,50
// run, a Fashion-MNIST run, a batch-size 50 run: groups differing in 5
// settings) keeps its plot at least `LineChart.minimumPlotShare` of the
// figure's width and every text element inside the SVG's view box, by the
// renderer's own width estimate (SVG.charWidth em per character).
import Foundation
import TrackerStore
import XCTest

@testable import TrackerReports

#if canImport(FoundationXML)
  import FoundationXML
#endif

final class MixedChartsTests: XCTestCase {
  /// A completed run with test accuracy rising linearly to `final` over 30
  /// evaluations.
  func run(
    _ seq: Int64, _ optimizer: String, lr: Double, final: Double, seed: Int64 = 1,
    batch: Int64 = 100, hidden: String = "40,20", activation: String = "sigmoid",
    dataset: String = "mnist"
  ) -> StoredRun {
    var run = StoredRun(
      seq: seq, id: String(format: "%08x-mixed", seq), name: nil, status: .completed,
      optimizer: optimizer,
      parameters: Array(repeating: .null, count: HyperParameter.allCases.count),
      startedAt: "2026-11-29T12:00:00.000Z", endedAt: "2026-11-29T12:00:10.000Z",
      durationSeconds: 10,
      summary: RunSummary(
        baseline: dataset == "mnist" ? 0.1135 : 0.1, margin: LearningStart.defaultMargin,
        learningStart: 40, finalTestAccuracy: final, bestTestAccuracy: final, finalLoss: 0.3))
    run[.seed] = .integer(seed)
    run[.lr] = .real(lr)
    run[.iters] = .integer(300)
    run[.batchSize] = .integer(batch)
    run[.hidden] = .text(hidden)
    run[.activation] = .text(activation)
    run[.weightInit] = .text(activation == "relu" ? "he" : "0.01")
    run[.dataset] = .text(dataset)
    run[.batchnorm] = .integer(0)
    if optimizer == "adam" { (run[.beta1], run[.beta2]) = (.real(0.9), .real(0.999)) }
    return run
  }

  func mixedRuns() -> [StoredRun] {
    var runs: [StoredRun] = []
    var seq: Int64 = 0
    func add(_ make: (Int64) -> StoredRun) {
      seq += 1
      runs.append(make(seq))
    }
    for seed: Int64 in 1...3 {
      add { self.run($0, "sgd", lr: 0.01, final: 0.90 + 0.002 * Double(seed), seed: seed) }
      add { self.run($0, "sgd", lr: 0.1, final: 0.93 + 0.003 * Double(seed), seed: seed) }
      add { self.run($0, "adam", lr: 0.001, final: 0.941 + 0.002 * Double(seed), seed: seed) }
      // Bimodal: 0.10, 0.45, 0.86.
      add { self.run($0, "adam", lr: 0.1, final: [0.10, 0.45, 0.86][Int(seed) - 1], seed: seed) }
    }
    add { self.run($0, "momentum", lr: 0.01, final: 0.95, hidden: "100,50", activation: "relu") }
    add { self.run($0, "rmsprop", lr: 0.001, final: 0.83, dataset: "fashion-mnist") }
    add { self.run($0, "adagrad", lr: 0.1, final: 0.91, batch: 50) }
    return runs
  }

  func curve(_ run: StoredRun, _ metric: CurveMetric) -> [CurvePoint] {
    let final = run.summary.finalTestAccuracy ?? 0
    return (1...30).map { step in
      let t = Double(step) / 30
      let value = metric == .loss ? 2.3 * pow(0.1, t) + 0.05 * sin(Double(step)) : final * t
      return CurvePoint(iteration: step * 10, value: value)
    }
  }

  func charts() -> [(name: String, svg: String, plotWidth: Double, width: Double)] {
    var groups = RunComparison.groups(
      mixedRuns(), optimizerOrder: ["sgd", "momentum", "adagrad", "rmsprop", "adam"])
    RunComparison.shortenLabels(&groups)
    var drawn: [(String, String, Double, Double)] = []
    for metric in CurveMetric.allCases {
      let bands = groups.map { group in
        GroupCurve(
          group: group,
          band: (0..<30).map { index in
            let values = group.runs.map { curve($0, metric)[index].value }
            return BandPoint(
              iteration: (index + 1) * 10, mean: values.reduce(0, +) / Double(values.count),
              minimum: values.min()!, maximum: values.max()!, runs: values.count)
          })
      }
      var seeds: [Int64: [CurvePoint]] = [:]
      for run in groups.flatMap(\.runs) { seeds[run.seq] = curve(run, metric) }
      for width in [800.0, 900.0] {
        var chart = CurveCharts.groups(
          bands, metric: metric, logScale: metric == .loss, what: "completed runs",
          options: .init(smoothing: metric == .loss ? 5 : 1, seedCurves: seeds))
        chart.width = width
        chart.height = 500
        drawn.append(("\(metric) \(width)", chart.svg(), chart.layout().plot.width, width))
      }
    }
    let runs = groups.flatMap(\.runs)
    var overlay = CurveCharts.overlay(
      [runs[0], runs.last!, runs[runs.count - 2]], metric: .testAccuracy, logScale: false,
      smoothing: 1,
      curves: Dictionary(uniqueKeysWithValues: runs.map { ($0.seq, curve($0, .testAccuracy)) }))
    overlay.width = 800
    drawn.append(("overlay", overlay.svg(), overlay.layout().plot.width, 800))
    var final = FinalAccuracyChart.groups(groups)
    final.width = 800
    drawn.append(("final", final.svg(), final.layout().plot.width, 800))
    return drawn
  }

  func testEveryChartKeepsItsPlotWideAndItsTextInside() throws {
    for chart in charts() {
      XCTAssertGreaterThanOrEqual(
        chart.plotWidth, chart.width * (chart.name == "final" ? 0.6 : LineChart.minimumPlotShare),
        chart.name)
      let document = try XMLDocument(data: Data(chart.svg.utf8))
      let root = try XCTUnwrap(document.rootElement())
      let box = try XCTUnwrap(root.nodes(forXPath: "@viewBox").first?.stringValue)
        .split(separator: " ").compactMap { Double($0) }
      XCTAssertEqual(box.count, 4)
      let (width, height) = (box[2], box[3])
      for case let text as XMLElement in try document.nodes(forXPath: "//*[local-name()='text']") {
        let content = text.stringValue ?? ""
        func attribute(_ name: String) -> String? {
          var node: XMLNode? = text
          while let element = node as? XMLElement {
            if let value = try? element.nodes(forXPath: "@\(name)").first?.stringValue {
              return value
            }
            node = element.parent
          }
          return nil
        }
        let size = Double(attribute("font-size") ?? "") ?? 16
        let x = Double(attribute("x") ?? "") ?? 0
        let y = Double(attribute("y") ?? "") ?? 0
        let extent = Double(content.count) * size * SVG.charWidth
        let anchor = attribute("text-anchor") ?? "start"
        let start = anchor == "middle" ? extent / 2 : anchor == "end" ? extent : 0
        let what = "\(chart.name): '\(content)'"
        if (try? text.nodes(forXPath: "@transform").first) ?? nil != nil {
          // The rotated y label: its length runs along y.
          XCTAssertGreaterThanOrEqual(y - start, 0, what)
          XCTAssertLessThanOrEqual(y - start + extent, height, what)
          XCTAssertGreaterThanOrEqual(x - size, 0, what)
          continue
        }
        XCTAssertGreaterThanOrEqual(x - start, 0, what)
        XCTAssertLessThanOrEqual(x - start + extent, width, what)
        XCTAssertGreaterThanOrEqual(y - size * 0.8, 0, what)
        XCTAssertLessThanOrEqual(y + size * 0.25, height, what)
      }
    }
  }

  func testColourFollowsTheOptimizerAndDashTellsSettingsApart() {
    var groups = RunComparison.groups(mixedRuns(), optimizerOrder: ["sgd", "adam"])
    RunComparison.shortenLabels(&groups)
    let styles = CurveCharts.styles(groups)
    for (group, style) in zip(groups, styles) where group.optimizer == "adam" {
      XCTAssertEqual(style.color, "#348ABD", group.label)
    }
    let adam = zip(groups, styles).filter { $0.0.optimizer == "adam" }.map(\.1.dash)
    XCTAssertEqual(adam, ["none", "8 4"])
    XCTAssertEqual(
      groups.map(\.label).first { $0.hasPrefix("rmsprop") },
      "rmsprop lr=0.001 dataset=fashion-mnist")
    XCTAssertEqual(groups.map(\.label).first { $0.hasPrefix("adam") }, "adam lr=0.001")
    XCTAssertEqual(
      CurveCharts.settingsNote(groups),
      [
        "All have iters=300 batchnorm=false.",
        "Unless the label says otherwise: batch_size=100 hidden=40,20 activation=sigmoid"
          + " weight_init=0.01 dataset=mnist.",
      ])
  }

  func testBimodalAndSmallGroupsDrawEachSeed() {
    let groups = RunComparison.groups(mixedRuns())
    let bimodal = groups.first { $0.optimizer == "adam" && $0.value(.lr) == .real(0.1) }!
    XCTAssertTrue(CurveCharts.drawsSeeds(bimodal, .auto))
    XCTAssertFalse(CurveCharts.drawsSeeds(bimodal, .never))
    var tight = bimodal
    tight =
      RunComparison.groups(
        (1...5).map {
          run(Int64($0), "adam", lr: 0.1, final: 0.9 + 0.001 * Double($0), seed: Int64($0))
        }
      )[0]
    XCTAssertFalse(CurveCharts.drawsSeeds(tight, .auto), "5 close seeds: a band")
    XCTAssertEqual(CurveCharts.smooth([1, 3, 5, 7], window: 2), [1, 2, 4, 6])
  }
}
