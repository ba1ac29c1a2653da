// FinalAccuracyChart: final test accuracy per group on an axis zoomed to the
// data, so a 94.1% vs 94.5% difference that a 0-1 axis flattens is visible:
// one dot per seed, the mean as a bar and its 95% confidence interval as a
// line (Student t), a row per group in the group's colour.
import Foundation
import TrackerStore

public struct FinalAccuracyChart {
  public struct Row {
    public var label: String
    public var color: String
    /// Final test accuracies (fractions), one per seed.
    public var values: [Double]

    public init(label: String, color: String, values: [Double]) {
      self.label = label
      self.color = color
      self.values = values
    }

    /// The mean and its 95% confidence interval; nil bounds for one value.
    var summary: (mean: Double, low: Double?, high: Double?)? {
      guard let stats = SampleStatistics(values) else { return nil }
      guard stats.count > 1, let sd = stats.standardDeviation else { return (stats.mean, nil, nil) }
      let half =
        StudentT.quantile(0.975, degreesOfFreedom: Double(stats.count - 1)) * sd
        / Double(stats.count).squareRoot()
      return (stats.mean, stats.mean - half, stats.mean + half)
    }
  }

  public var title = "final test accuracy per group"
  public var subtitle: String
  public var rows: [Row]
  public var width = 900.0
  public var id = "final"

  public init(subtitle: String, rows: [Row]) {
    self.subtitle = subtitle
    self.rows = rows
  }

  /// The groups' chart, labelled and coloured as the curve charts label and
  /// colour them.
  public static func groups(_ groups: [RunGroup]) -> FinalAccuracyChart {
    let styles = CurveCharts.styles(groups)
    return FinalAccuracyChart(
      subtitle: "one dot per seed, bar: mean, line: 95% CI of the mean; axis zoomed to the data."
        + CurveCharts.settingsNote(groups).map { " " + $0 }.joined(),
      rows: groups.enumerated().map { index, group in
        Row(label: group.label, color: styles[index].color, values: group.finalTestAccuracies)
      })
  }

  // MARK: - Layout

  static let rowHeight = 30.0
  static let labelLine = 15.0

  struct Layout {
    var width: Double
    var height: Double
    var subtitleLines: [String]
    var plot: LineChart.Box
    var x: Scale
    var ticks: [Double]
    /// Each row's label lines and the y of its dots.
    var rows: [(lines: [String], y: Double)]
  }

  func layout() -> Layout {
    let subtitleLines = SVG.wrap(subtitle, size: LineChart.subtitleSize, width: width - 32)
    let top = 56 + 16 * Double(subtitleLines.count)
    // Labels take at most a third of the width, wrapped.
    let labelRoom = width / 3
    let lines = rows.map { SVG.wrap($0.label, size: LineChart.tickSize, width: labelRoom - 24) }
    let widest = lines.flatMap { $0 }.map { SVG.textWidth($0, size: LineChart.tickSize) }.max() ?? 0
    let left = 16 + widest + 12
    var y = top
    var placed: [(lines: [String], y: Double)] = []
    for row in lines {
      let height = max(Self.rowHeight, Self.labelLine * Double(row.count) + 12)
      placed.append((row, y + height / 2))
      y += height
    }
    let plot = LineChart.Box(x: left, y: top, width: width - 28 - left, height: max(y - top, 30))
    let values = rows.flatMap { row -> [Double] in
      row.values + [row.summary?.low, row.summary?.high].compactMap { $0 }
    }
    var low = values.min() ?? 0
    var high = values.max() ?? 1
    let pad = max((high - low) * 0.08, 0.002)
    (low, high) = (max(0, low - pad), min(1, high + pad))
    let step = Ticks.niceStep((high - low) / 6)
    let domain = (low / step).rounded(.down) * step...(high / step).rounded(.up) * step
    let x = Scale(domain: domain, start: plot.x, end: plot.maxX)
    return Layout(
      width: width, height: plot.maxY + 58, subtitleLines: subtitleLines, plot: plot, x: x,
      ticks: LineChart.spacedTicks(x, width: plot.width), rows: placed)
  }

  // MARK: - SVG

  public func svg(standalone: Bool = true) -> String {
    let layout = layout()
    let plot = layout.plot
    var out = SVGWriter()
    out.openChart(
      width: layout.width, height: layout.height, standalone: standalone,
      title: "\(title): \(subtitle)")
    LineChart.drawHeading(&out, title: title, subtitleLines: layout.subtitleLines) { _, _ in
      layout.width / 2
    }
    LineChart.drawPanel(&out, plot)
    let labels = Ticks.labels(layout.ticks.map { $0 * 100 }, kind: .linear)
    for (tick, label) in zip(layout.ticks, labels) {
      let x = SVG.number(layout.x.position(tick))
      out.element(
        "line",
        [
          "x1": x, "y1": SVG.number(plot.y), "x2": x, "y2": SVG.number(plot.maxY),
          "stroke": LineChart.grid,
        ])
      out.element(
        "text",
        [
          "x": x, "y": SVG.number(plot.maxY + 19), "text-anchor": "middle",
          "font-size": SVG.number(LineChart.tickSize), "fill": LineChart.muted,
        ], text: label)
    }
    out.element(
      "text",
      [
        "class": "x-label", "x": SVG.number(plot.x + plot.width / 2),
        "y": SVG.number(plot.maxY + 44), "text-anchor": "middle",
        "font-size": SVG.number(LineChart.labelSize), "fill": LineChart.ink,
      ], text: "final test accuracy %")
    for (row, placed) in zip(rows, layout.rows) {
      drawRow(&out, row, placed, layout)
    }
    out.close("svg")
    return out.text
  }

  private func drawRow(
    _ out: inout SVGWriter, _ row: Row, _ placed: (lines: [String], y: Double), _ layout: Layout
  ) {
    let y = placed.y
    out.open("g", ["class": "row"])
    out.element("title", [:], text: row.label)
    let first = y - Self.labelLine * Double(placed.lines.count - 1) / 2
    for (index, line) in placed.lines.enumerated() {
      out.element(
        "text",
        [
          "x": SVG.number(layout.plot.x - 12),
          "y": SVG.number(first + Self.labelLine * Double(index) + LineChart.tickSize * 0.35),
          "text-anchor": "end", "font-size": SVG.number(LineChart.tickSize), "fill": LineChart.ink,
        ], text: line)
    }
    if let summary = row.summary {
      let mean = layout.x.position(summary.mean)
      if let low = summary.low, let high = summary.high {
        // A wide interval (a split group) is cut at the plot's edges.
        let plot = layout.plot
        func inside(_ value: Double) -> String {
          SVG.number(max(plot.x, min(plot.maxX, layout.x.position(value))))
        }
        out.element(
          "line",
          [
            "class": "ci", "x1": inside(low), "y1": SVG.number(y),
            "x2": inside(high), "y2": SVG.number(y), "stroke": row.color,
            "stroke-width": "2.5", "stroke-opacity": "0.6",
          ])
      }
      out.element(
        "line",
        [
          "class": "mean", "x1": SVG.number(mean), "y1": SVG.number(y - 9), "x2": SVG.number(mean),
          "y2": SVG.number(y + 9), "stroke": row.color, "stroke-width": "3",
        ])
    }
    // Seeds a little above and below the line, alternately, so equal values stay countable.
    for (index, value) in row.values.enumerated() {
      let offset = Double(index % 3 - 1) * 4
      out.element(
        "circle",
        [
          "class": "seed", "cx": SVG.number(layout.x.position(value)),
          "cy": SVG.number(y + offset), "r": "4", "fill": row.color, "fill-opacity": "0.55",
          "stroke": "#FFFFFF", "stroke-width": "0.8",
        ])
    }
    out.close("g")
  }
}
