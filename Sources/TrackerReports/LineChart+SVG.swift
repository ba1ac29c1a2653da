// LineChart+SVG: draws a laid-out LineChart as SVG 1.1 markup that browsers and
// rsvg-convert render the same: only rect, path, circle, line, text and a clip
// path; no CSS, no scripts, no external references.
import Foundation

extension LineChart {
  static let panel = "#E5E5E5"
  static let grid = "#FFFFFF"
  static let ink = "#333333"
  static let muted = "#555555"

  /// The chart as SVG. `standalone`: a complete file with the XML declaration
  /// and namespace; otherwise an `<svg>` element to inline in HTML.
  public func svg(standalone: Bool = true) -> String {
    let layout = layout()
    let plot = layout.plot
    var out = SVGWriter()
    out.openChart(
      width: layout.width, height: layout.height, standalone: standalone,
      title: subtitle.isEmpty ? title : "\(title): \(subtitle)")

    // Title and subtitle, centred over the plot but never past the figure's edges.
    Self.drawHeading(&out, title: title, subtitleLines: layout.subtitleLines) { text, size in
      let half = SVG.textWidth(text, size: size) / 2
      return max(8 + half, min(layout.width - 8 - half, plot.x + plot.width / 2))
    }

    // Panel and grid.
    Self.drawPanel(&out, plot)
    out.open("g", ["class": "grid", "stroke": Self.grid, "stroke-width": "1"])
    for tick in layout.xTicks {
      let x = SVG.number(layout.x.position(tick))
      out.element(
        "line", ["x1": x, "y1": SVG.number(plot.y), "x2": x, "y2": SVG.number(plot.maxY)])
    }
    for tick in layout.yTicks {
      let y = SVG.number(layout.y.position(tick))
      out.element(
        "line", ["x1": SVG.number(plot.x), "y1": y, "x2": SVG.number(plot.maxX), "y2": y])
    }
    out.close("g")

    drawSeries(&out, layout)
    drawReferences(&out, layout)
    drawAxes(&out, layout)
    if let legend = layout.legend { drawLegend(&out, legend, layout.legendItems) }
    out.close("svg")
    return out.text
  }

  /// The title and the subtitle's lines (FinalAccuracyChart's too), each
  /// centred at `centre(text, fontSize)`.
  static func drawHeading(
    _ out: inout SVGWriter, title: String, subtitleLines: [String],
    centre: (String, Double) -> Double
  ) {
    out.element(
      "text",
      [
        "class": "title", "x": SVG.number(centre(title, titleSize)), "y": "30",
        "text-anchor": "middle", "font-size": SVG.number(titleSize), "fill": ink,
      ], text: title)
    for (index, line) in subtitleLines.enumerated() {
      out.element(
        "text",
        [
          "class": "subtitle", "x": SVG.number(centre(line, subtitleSize)),
          "y": SVG.number(52 + 16 * Double(index)), "text-anchor": "middle",
          "font-size": SVG.number(subtitleSize), "fill": muted,
        ], text: line)
    }
  }

  /// The grey panel the data is drawn on.
  static func drawPanel(_ out: inout SVGWriter, _ plot: Box) {
    out.element(
      "rect",
      [
        "x": SVG.number(plot.x), "y": SVG.number(plot.y), "width": SVG.number(plot.width),
        "height": SVG.number(plot.height), "fill": panel,
      ])
  }

  private func drawSeries(_ out: inout SVGWriter, _ layout: Layout) {
    let plot = layout.plot
    let clip = "\(id)-plot-area"
    out.open("defs")
    out.open("clipPath", ["id": clip])
    out.element(
      "rect",
      [
        "x": SVG.number(plot.x), "y": SVG.number(plot.y), "width": SVG.number(plot.width),
        "height": SVG.number(plot.height),
      ])
    out.close("clipPath")
    out.close("defs")
    out.open("g", ["clip-path": "url(#\(clip))"])
    let all = drawnSeries
    // Every band first, then every line, so no band covers another series' line.
    for series in all where !series.band.isEmpty {
      let upper = series.band.map { (x: layout.x.position($0.x), y: layout.y.position($0.high)) }
      let lower = series.band.reversed().map {
        (x: layout.x.position($0.x), y: layout.y.position($0.low))
      }
      out.element(
        "path",
        [
          "class": "band", "d": SVG.polyline(upper + lower) + " Z", "fill": series.color,
          "fill-opacity": "0.2", "stroke": "none",
        ])
    }
    for series in all {
      out.open("g", ["class": "series"])
      out.element("title", [:], text: series.label)
      let points = series.points.map { (x: layout.x.position($0.x), y: layout.y.position($0.y)) }
      if points.count == 1 {
        out.element(
          "circle",
          [
            "class": "marker", "cx": SVG.number(points[0].x), "cy": SVG.number(points[0].y),
            "r": SVG.number(series.lineWidth + 1.5), "fill": series.color,
            "fill-opacity": SVG.number(series.opacity),
          ])
      } else if !points.isEmpty {
        out.element(
          "path",
          [
            "class": series.inLegend ? "line" : "seed-line", "d": SVG.polyline(points),
            "fill": "none", "stroke": series.color,
            "stroke-width": SVG.number(series.lineWidth),
            "stroke-opacity": SVG.number(series.opacity),
            "stroke-linejoin": "round", "stroke-linecap": "round",
            "stroke-dasharray": series.dash,
          ])
      }
      for marker in series.markers {
        out.element(
          "circle",
          [
            "class": "selected", "cx": SVG.number(layout.x.position(marker.x)),
            "cy": SVG.number(layout.y.position(marker.y)), "r": "6.5", "fill": series.color,
            "stroke": "white", "stroke-width": "2",
          ])
      }
      out.close("g")
    }
    out.close("g")
    if all.allSatisfy({ $0.points.isEmpty && $0.band.isEmpty }) {
      out.element(
        "text",
        [
          "x": SVG.number(plot.x + plot.width / 2), "y": SVG.number(plot.y + plot.height / 2),
          "text-anchor": "middle", "font-size": SVG.number(Self.labelSize), "fill": Self.muted,
        ], text: "no data")
    }
  }

  private func drawAxes(_ out: inout SVGWriter, _ layout: Layout) {
    let plot = layout.plot
    let size = SVG.number(Self.tickSize)
    out.open("g", ["class": "x-ticks", "font-size": size, "fill": Self.muted])
    for (tick, label) in zip(layout.xTicks, Ticks.labels(layout.xTicks, kind: layout.x.kind)) {
      out.element(
        "text",
        [
          "x": SVG.number(layout.x.position(tick)), "y": SVG.number(plot.maxY + 19),
          "text-anchor": "middle",
        ], text: label)
    }
    out.close("g")
    out.open("g", ["class": "y-ticks", "font-size": size, "fill": Self.muted])
    for (tick, label) in zip(layout.yTicks, Ticks.labels(layout.yTicks, kind: layout.y.kind)) {
      out.element(
        "text",
        [
          "x": SVG.number(plot.x - 8),
          "y": SVG.number(layout.y.position(tick) + Self.tickSize * 0.35),
          "text-anchor": "end",
        ], text: label)
    }
    out.close("g")
    out.element(
      "text",
      [
        "class": "x-label", "x": SVG.number(plot.x + plot.width / 2),
        "y": SVG.number(plot.maxY + 44), "text-anchor": "middle",
        "font-size": SVG.number(Self.labelSize), "fill": Self.ink,
      ], text: xLabel)
    let yLabelX = 16 + Self.labelSize * 0.8
    let yLabelY = plot.y + plot.height / 2
    out.element(
      "text",
      [
        "class": "y-label", "x": SVG.number(yLabelX), "y": SVG.number(yLabelY),
        "text-anchor": "middle", "font-size": SVG.number(Self.labelSize), "fill": Self.ink,
        "transform": "rotate(-90 \(SVG.number(yLabelX)) \(SVG.number(yLabelY)))",
      ], text: yLabel)
  }

  /// The dotted chance line with its label, and the markers on the x axis.
  private func drawReferences(_ out: inout SVGWriter, _ layout: Layout) {
    let plot = layout.plot
    if let baseline, yScale == .linear || baseline.value > 0 {
      let y = layout.y.position(baseline.value)
      if y >= plot.y && y <= plot.maxY {
        out.element(
          "line",
          [
            "class": "baseline", "x1": SVG.number(plot.x), "y1": SVG.number(y),
            "x2": SVG.number(plot.maxX), "y2": SVG.number(y), "stroke": Self.muted,
            "stroke-width": "1.5", "stroke-dasharray": "2 3",
          ])
        out.element(
          "text",
          [
            "class": "baseline-label", "x": SVG.number(plot.maxX - 6), "y": SVG.number(y - 5),
            "text-anchor": "end", "font-size": SVG.number(Self.legendSize - 1), "fill": Self.muted,
          ], text: baseline.label)
      }
    }
    for marker in markers {
      let x = layout.x.position(marker.x)
      guard x >= plot.x && x <= plot.maxX else { continue }
      let y = plot.maxY
      out.element(
        "path",
        [
          "class": "start-marker",
          "d": "M\(SVG.number(x)) \(SVG.number(y - 9)) L\(SVG.number(x - 5)) \(SVG.number(y))"
            + " L\(SVG.number(x + 5)) \(SVG.number(y)) Z",
          "fill": marker.color, "stroke": "#FFFFFF", "stroke-width": "0.8",
        ])
    }
  }

  private func drawLegend(_ out: inout SVGWriter, _ box: Box, _ items: [LegendItem]) {
    out.open("g", ["class": "legend", "font-size": SVG.number(Self.legendSize)])
    out.element(
      "rect",
      [
        "x": SVG.number(box.x), "y": SVG.number(box.y), "width": SVG.number(box.width),
        "height": SVG.number(box.height), "rx": "3", "fill": "#FFFFFF", "fill-opacity": "0.9",
        "stroke": "#CCCCCC",
      ])
    for item in items {
      let series = series[item.series]
      let (left, middle) = (item.x + 10, item.y)
      if !series.band.isEmpty {
        out.element(
          "rect",
          [
            "x": SVG.number(left), "y": SVG.number(middle - 6), "width": "24", "height": "12",
            "fill": series.color, "fill-opacity": "0.2",
          ])
      }
      out.element(
        "line",
        [
          "x1": SVG.number(left), "y1": SVG.number(middle), "x2": SVG.number(left + 24),
          "y2": SVG.number(middle), "stroke": series.color, "stroke-width": "2.5",
          "stroke-dasharray": series.dash,
        ])
      for (index, line) in item.lines.enumerated() {
        out.element(
          "text",
          [
            "x": SVG.number(left + 32),
            "y": SVG.number(middle + Self.legendSize * 0.35 + Self.legendLine * Double(index)),
            "fill": Self.ink,
          ], text: line)
      }
    }
    out.close("g")
  }
}
