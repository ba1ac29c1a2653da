// ChartTests: axis scaling and ticks on hand-made curves, where points land in
// the SVG, legend placement, XML escaping, and the text sparkline.
import Foundation
import XCTest

@testable import TrackerReports

#if canImport(FoundationXML)
  import FoundationXML
#endif

final class ChartTests: XCTestCase {
  // MARK: - Ticks and scales

  func testNiceSteps() {
    for (raw, step) in [
      (0.17, 0.2), (0.2, 0.2), (23.0, 25), (180, 200), (0.03, 0.05), (7, 10), (1, 1), (1.2, 2),
    ] {
      XCTAssertEqual(Ticks.niceStep(raw), step, accuracy: step * 1e-12, "niceStep(\(raw))")
    }
  }

  func testLinearTicksAndLabels() {
    XCTAssertEqual(Ticks.linear(0...1, target: 5), [0, 0.2, 0.4, 0.6, 0.8, 1])
    XCTAssertEqual(
      Ticks.labels(Ticks.linear(0...1, target: 5), kind: .linear),
      ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"], "matplotlib's labels for ylim(0, 1)")
    XCTAssertEqual(Ticks.linear(0...1000, target: 5), [0, 200, 400, 600, 800, 1000])
    XCTAssertEqual(Ticks.labels([0, 200, 400], kind: .linear), ["0", "200", "400"])
    // A domain that is not a multiple of the step: ticks stay inside it.
    XCTAssertEqual(Ticks.linear(0...1234, target: 6), [0, 250, 500, 750, 1000])
    XCTAssertEqual(Ticks.labels([0, 0.25, 0.5], kind: .linear), ["0.00", "0.25", "0.50"])
    // No floating-point dust: 0.1 * 3 is 0.3.
    XCTAssertEqual(Ticks.linear(0...0.5, target: 5), [0, 0.1, 0.2, 0.3, 0.4, 0.5])
    XCTAssertEqual(Ticks.zeroBasedDomain(2.31), 0...2.5)
    XCTAssertEqual(Ticks.zeroBasedDomain(0.87), 0...1)
    XCTAssertEqual(Ticks.zeroBasedDomain(0.61), 0...0.8)
  }

  func testLogarithmicTicksAndDomain() {
    // A loss from 2.9 down to 0.043: less than three decades, so 1-2-5 ticks.
    let domain = Ticks.logarithmicDomain(0.043, 2.9)
    XCTAssertEqual(domain, 0.02...5)
    XCTAssertEqual(Ticks.logarithmic(domain), [0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5])
    XCTAssertEqual(
      Ticks.labels(Ticks.logarithmic(domain), kind: .logarithmic),
      ["0.02", "0.05", "0.1", "0.2", "0.5", "1", "2", "5"])
    // Many decades: powers of ten only.
    XCTAssertEqual(Ticks.logarithmic(0.001...100), [0.001, 0.01, 0.1, 1, 10, 100])
    XCTAssertEqual(Ticks.logarithmicDomain(0.1, 1), 0.1...1, "already on the sequence")
  }

  func testScalesMapDomainOntoPixels() {
    let x = Scale(domain: 0...1000, start: 100, end: 900)
    XCTAssertEqual(x.position(0), 100)
    XCTAssertEqual(x.position(500), 500)
    XCTAssertEqual(x.position(1000), 900)
    // SVG's y grows downward: the domain's bottom is the larger pixel.
    let y = Scale(domain: 0...1, start: 500, end: 100)
    XCTAssertEqual(y.position(0), 500)
    XCTAssertEqual(y.position(0.25), 400)
    XCTAssertEqual(y.position(1), 100)
    let log = Scale(.logarithmic, domain: 0.1...10, start: 200, end: 0)
    XCTAssertEqual(log.position(1), 100, accuracy: 1e-9)
    XCTAssertEqual(log.position(10), 0, accuracy: 1e-9)
    XCTAssertEqual(log.position(0.1), 200, accuracy: 1e-9)
  }

  // MARK: - Charts of hand-made curves

  /// A line from (0, 0) to (1000, 1) and a flat one at 0.5.
  func handMade() -> LineChart {
    LineChart(
      title: "test accuracy", xLabel: "iteration", yLabel: "accuracy",
      series: [
        .init(
          label: "rising", color: "#E24A33", points: [.init(x: 0, y: 0), .init(x: 1000, y: 1)]),
        .init(
          label: "flat", color: "#348ABD", points: [.init(x: 0, y: 0.5), .init(x: 1000, y: 0.5)],
          band: [.init(x: 0, low: 0.45, high: 0.55), .init(x: 1000, low: 0.45, high: 0.55)]),
      ],
      yDomain: 0...1)
  }

  func testPointsLandOnThePlotCorners() throws {
    let chart = handMade()
    let layout = chart.layout()
    let svg = try XMLDocument(data: Data(chart.svg().utf8))
    let lines = try svg.nodes(forXPath: "//*[local-name()='path'][@class='line']")
    XCTAssertEqual(lines.count, 2)
    let d = try XCTUnwrap(lines[0].nodes(forXPath: "@d").first?.stringValue)
    let numbers = d.split(whereSeparator: { " ML".contains($0) }).compactMap { Double($0) }
    XCTAssertEqual(numbers.count, 4, d)
    // (0, 0) at the bottom left of the plot, (1000, 1) at its top right.
    XCTAssertEqual(numbers[0], layout.plot.x, accuracy: 0.01)
    XCTAssertEqual(numbers[1], layout.plot.maxY, accuracy: 0.01)
    XCTAssertEqual(numbers[2], layout.plot.maxX, accuracy: 0.01)
    XCTAssertEqual(numbers[3], layout.plot.y, accuracy: 0.01)
    XCTAssertEqual(layout.x.domain, 0...1000)
    XCTAssertEqual(layout.yTicks.first, 0)
    XCTAssertEqual(layout.yTicks.last, 1)
  }

  func testLegendHidesNoData() throws {
    let chart = handMade()
    let layout = chart.layout()
    let legend = try XCTUnwrap(layout.legend)
    XCTAssertFalse(layout.legendOutside)
    // The diagonal and the band at 0.45-0.55 leave the upper left and lower right free.
    for t in stride(from: 0.0, through: 1.0, by: 0.01) {
      let x = layout.x.position(1000 * t)
      for y in [layout.y.position(t), layout.y.position(0.45), layout.y.position(0.55)] {
        XCTAssertFalse(
          x >= legend.x && x <= legend.maxX && y >= legend.y && y <= legend.maxY,
          "legend \(legend) covers (\(x), \(y))")
      }
    }
  }

  func testLegendGoesBelowThePlotWhenNoSpotIsFree() throws {
    var chart = handMade()
    chart.series[1].band = [.init(x: 0, low: 0, high: 1), .init(x: 1000, low: 0, high: 1)]
    let before = handMade().layout().plot.width
    let layout = chart.layout()
    XCTAssertTrue(layout.legendOutside)
    let legend = try XCTUnwrap(layout.legend)
    XCTAssertGreaterThan(legend.y, layout.plot.maxY)
    XCTAssertLessThanOrEqual(legend.maxX, chart.width)
    XCTAssertLessThanOrEqual(legend.maxY, layout.height)
    XCTAssertEqual(layout.plot.width, before, "the legend below takes no width from the plot")
  }

  func testLongLabelsWrapAndTheFigureGrowsRatherThanThePlotShrinks() throws {
    var chart = handMade()
    chart.series[1].band = [.init(x: 0, low: 0, high: 1), .init(x: 1000, low: 0, high: 1)]
    chart.series += (0..<12).map {
      .init(
        label: "adam lr=0.\($0) " + String(repeating: "hidden=100,50 activation=relu ", count: 5),
        color: "#348ABD", points: [.init(x: 0, y: 0.5)])
    }
    let layout = chart.layout()
    XCTAssertGreaterThanOrEqual(layout.plot.height, chart.height * LineChart.minimumPlotShare)
    XCTAssertGreaterThan(layout.height, chart.height)
    for item in layout.legendItems {
      if chart.series[item.series].label.count > 100 {
        XCTAssertGreaterThan(item.lines.count, 1, "wrapped")
      }
      for line in item.lines {
        XCTAssertLessThanOrEqual(
          item.x + 42 + SVG.textWidth(line, size: LineChart.legendSize), chart.width, line)
      }
    }
  }

  func testTickLabelsDoNotOverlap() {
    for (domain, width) in [(0.0...100_000.0, 800.0), (0...1000, 900), (0...7, 800)] {
      var chart = handMade()
      chart.xDomain = domain
      chart.width = width
      let layout = chart.layout()
      let labels = Ticks.labels(layout.xTicks, kind: .linear)
      XCTAssertGreaterThanOrEqual(layout.xTicks.count, 2, "\(domain)")
      for index in 1..<layout.xTicks.count {
        let gap =
          layout.x.position(layout.xTicks[index]) - layout.x.position(layout.xTicks[index - 1])
        let room =
          (SVG.textWidth(labels[index], size: 13) + SVG.textWidth(labels[index - 1], size: 13)) / 2
        XCTAssertGreaterThan(gap, room, "\(domain): \(labels)")
      }
    }
  }

  func testTextIsEscaped() throws {
    var chart = handMade()
    chart.title = "a < b & \"c\" 'd' > e"
    chart.series[0].label = "<script>&amp;"
    let svg = try XMLDocument(data: Data(chart.svg().utf8))
    let texts = try svg.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
    XCTAssertTrue(texts.contains("a < b & \"c\" 'd' > e"), "\(texts)")
    XCTAssertTrue(texts.contains("<script>&amp;"), "\(texts)")
    XCTAssertEqual(XML.escape("a\u{1}b"), "a\u{FFFD}b", "control characters are not XML")
    XCTAssertEqual(XML.escape("\t\n\r\u{FFFE}"), "\t\n\r\u{FFFD}")
    // The pages' escaping (the report's and `tracker serve`'s) is the same.
    let markup = "<a href='x'>\"&\"</a>"
    XCTAssertEqual(XML.escape(markup), "&lt;a href=&apos;x&apos;&gt;&quot;&amp;&quot;&lt;/a&gt;")
    XCTAssertEqual(HTML.escape(markup), XML.escape(markup))
  }

  func testLogScaleDropsNonPositiveValues() throws {
    let chart = LineChart(
      title: "loss", xLabel: "iteration", yLabel: "loss",
      series: [
        .init(
          label: "loss", color: "#E24A33",
          points: [.init(x: 1, y: 2.3), .init(x: 2, y: 0), .init(x: 3, y: 0.05)])
      ],
      yScale: .logarithmic)
    let layout = chart.layout()
    XCTAssertEqual(layout.y.domain, 0.05...5)
    XCTAssertEqual(layout.y.position(5), layout.plot.y, accuracy: 1e-9)
    XCTAssertEqual(chart.drawnSeries[0].points.count, 2)
    _ = try XMLDocument(data: Data(chart.svg().utf8))
  }

  // MARK: - Sparklines

  func testSparklineLevelsAndBuckets() {
    XCTAssertEqual(Sparkline.line([0, 0.3, 0.6, 1], width: 10), "▁▃▅█")
    // 8 values in 4 characters: the mean of each pair.
    XCTAssertEqual(Sparkline.line([0, 0, 1, 1, 0, 1, 0.5, 0.5], width: 4), "▁█▅▅")
    XCTAssertEqual(Sparkline.line([], width: 10), "")
  }
}
