// LineChart: one chart of curves against iteration, drawn as SVG: title,
// axes with nice ticks, grid, each series as a line with an optional light
// band (min-max over runs), and a legend placed where it hides no data (as
// matplotlib's loc="best"), else below the plot, where it wraps into columns
// and never narrows the plot. The look follows the reference notebook, which
// used matplotlib's ggplot style.
import Foundation

public struct LineChart {
  public struct Point {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
      self.x = x
      self.y = y
    }
  }

  /// A range of values at one x: the band drawn under a mean line.
  public struct Span {
    public var x: Double
    public var low: Double
    public var high: Double

    public init(x: Double, low: Double, high: Double) {
      self.x = x
      self.low = low
      self.high = high
    }
  }

  public struct Series {
    public var label: String
    /// A CSS colour, e.g. "#E24A33".
    public var color: String
    public var points: [Point]
    public var band: [Span]
    /// An SVG stroke-dasharray ("7 4"), or "none" for a solid line.
    public var dash: String
    /// Stroke width in pixels: 2 for a group's mean, thinner for one seed.
    public var lineWidth = 2.0
    public var opacity = 1.0
    /// False for lines the legend need not name (one seed of a group).
    public var inLegend = true
    /// Points drawn as large dots over the line (e.g. a tune's selected rate).
    public var markers: [Point]

    public init(
      label: String, color: String, points: [Point], band: [Span] = [], dashed: Bool = false,
      dash: String? = nil, markers: [Point] = []
    ) {
      self.label = label
      self.color = color
      self.points = points
      self.band = band
      self.dash = dash ?? (dashed ? "7 4" : "none")
      self.markers = markers
    }

    public var dashed: Bool { dash != "none" }
  }

  /// A mark on the x axis in a series' colour (a group's learning start).
  public struct Marker {
    public var x: Double
    public var color: String

    public init(x: Double, color: String) {
      self.x = x
      self.color = color
    }
  }

  public var title: String
  public var subtitle: String
  public var xLabel: String
  public var yLabel: String
  public var series: [Series]
  public var yScale: Scale.Kind
  /// Linear (iterations) unless set; a log x axis draws only positive x.
  public var xScale: Scale.Kind = .linear
  /// nil: 0 to the largest x.
  public var xDomain: ClosedRange<Double>?
  /// nil: from the data (from 0 on a linear axis).
  public var yDomain: ClosedRange<Double>?
  /// A dotted horizontal line and its label (chance accuracy).
  public var baseline: (value: Double, label: String)?
  /// Triangles on the x axis.
  public var markers: [Marker] = []
  public var width = 900.0
  /// The height wanted; a legend below the plot makes the figure taller
  /// rather than the plot shorter than `minimumPlotShare` of it.
  public var height = 560.0
  /// Prefix of the ids in the SVG, unique per document (a report inlines
  /// several charts, and ids must not clash).
  public var id = "chart"

  public init(
    title: String, subtitle: String = "", xLabel: String, yLabel: String, series: [Series],
    yScale: Scale.Kind = .linear, xDomain: ClosedRange<Double>? = nil,
    yDomain: ClosedRange<Double>? = nil
  ) {
    self.title = title
    self.subtitle = subtitle
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.yScale = yScale
    self.xDomain = xDomain
    self.yDomain = yDomain
  }

  /// ggplot-style colours (the notebook's red and blue first), then more
  /// that stay readable on the grey panel.
  public static let palette = [
    "#E24A33", "#348ABD", "#988ED5", "#5F8F2E", "#E69F00", "#777777", "#CC79A7", "#17A2B8",
  ]

  // MARK: - Layout

  struct Box: Equatable {
    var x, y, width, height: Double
    var maxX: Double { x + width }
    var maxY: Double { y + height }
  }

  /// Where everything goes, in pixels.
  struct Layout {
    /// The figure's size: `width` by `height`, or taller for a legend below.
    var width: Double
    var height: Double
    var subtitleLines: [String]
    var plot: Box
    var x: Scale
    var y: Scale
    var xTicks: [Double]
    var yTicks: [Double]
    var legend: Box?
    /// Each entry of the legend: the series, where its first line's middle
    /// is, and its label wrapped into lines.
    var legendItems: [(series: Int, x: Double, y: Double, lines: [String])] = []
    /// True when no spot inside the plot was free and the legend sits below it.
    var legendOutside: Bool
  }

  /// The plot is never narrower than this share of the figure's width, nor
  /// shorter than this share of its `height`.
  public static let minimumPlotShare = 0.5

  static let titleSize = 18.0
  static let subtitleSize = 13.0
  static let tickSize = 13.0
  static let labelSize = 14.0
  static let legendSize = 13.0
  static let legendRow = 20.0

  /// Points that can be drawn on the y scale (positive on a log axis).
  private func drawable(_ series: Series) -> Series {
    var copy = series
    if yScale == .logarithmic {
      copy.points = copy.points.filter { $0.y > 0 }
      copy.band = copy.band.filter { $0.low > 0 }
      copy.markers = copy.markers.filter { $0.y > 0 }
    }
    if xScale == .logarithmic {
      copy.points = copy.points.filter { $0.x > 0 }
      copy.band = copy.band.filter { $0.x > 0 }
      copy.markers = copy.markers.filter { $0.x > 0 }
    }
    return copy
  }

  var drawnSeries: [Series] { series.map(drawable) }

  func dataXDomain() -> ClosedRange<Double> {
    if let xDomain { return xDomain }
    let xs = drawnSeries.flatMap { $0.points.map(\.x) + $0.band.map(\.x) }
    if xScale == .logarithmic {
      guard let low = xs.min(), let high = xs.max() else { return 0.1...1 }
      return Ticks.logarithmicDomain(low, max(high, low * 1.0001))
    }
    let high = xs.max() ?? 1
    return 0...(high > 0 ? high : 1)
  }

  func dataYDomain() -> ClosedRange<Double> {
    if let yDomain { return yDomain }
    let all = drawnSeries
    let ys = all.flatMap { $0.points.map(\.y) + $0.band.flatMap { [$0.low, $0.high] } }
      .filter(\.isFinite)
    guard let low = ys.min(), let high = ys.max() else {
      return yScale == .linear ? 0...1 : 0.1...1
    }
    if yScale == .logarithmic { return Ticks.logarithmicDomain(low, max(high, low * 1.0001)) }
    if low >= 0 { return Ticks.zeroBasedDomain(high) }
    let step = Ticks.niceStep((high - low) / 5)
    return (low / step).rounded(.down) * step...(high / step).rounded(.up) * step
  }

  /// The series the legend names, by index.
  var legendSeries: [Int] { series.indices.filter { series[$0].inLegend } }

  func layout() -> Layout {
    if let inside = layout(legendOutside: false) { return inside }
    return layout(legendOutside: true)!
  }

  /// Subtitle lines within the figure's width.
  var subtitleLines: [String] {
    subtitle.isEmpty ? [] : SVG.wrap(subtitle, size: Self.subtitleSize, width: width - 32)
  }

  /// The layout with the legend inside the plot at the first free spot (nil
  /// when there is none), or below it.
  private func layout(legendOutside: Bool) -> Layout? {
    let subtitleLines = subtitleLines
    let top = subtitleLines.isEmpty ? 52.0 : 56 + 16 * Double(subtitleLines.count)
    let entries = legendSeries
    // Below the plot: as many columns as fit in the figure's width.
    let below = legendOutside && !entries.isEmpty ? belowLegend(entries) : nil
    let legendHeight = below.map { $0.height + 12 } ?? 0
    let figureHeight = max(
      height, top + height * Self.minimumPlotShare + 58 + legendHeight)
    let bottom = figureHeight - 58 - legendHeight
    // The y ticks are known before the x extent: their labels set the left margin.
    let plotHeight = bottom - top
    var y = Scale(yScale, domain: dataYDomain(), start: bottom, end: top)
    let yTicks = y.ticks(target: max(2, Int(plotHeight / 60)))
    let labelWidth =
      Ticks.labels(yTicks, kind: yScale).map { SVG.textWidth($0, size: Self.tickSize) }.max() ?? 0
    let left = 16 + Self.labelSize + 12 + labelWidth + 8
    let right = width - 28
    let plot = Box(
      x: left, y: top, width: max(width * Self.minimumPlotShare, right - left), height: plotHeight)
    y.start = plot.maxY
    y.end = plot.y
    let x = Scale(xScale, domain: dataXDomain(), start: plot.x, end: plot.maxX)
    let xTicks = Self.spacedTicks(x, width: plot.width)
    var layout = Layout(
      width: width, height: figureHeight, subtitleLines: subtitleLines,
      plot: plot, x: x, y: y, xTicks: xTicks, yTicks: yTicks, legend: nil,
      legendOutside: legendOutside)
    guard !entries.isEmpty else { return layout }
    if let below {
      let origin = (x: 16.0, y: plot.maxY + 58)
      layout.legend = Box(x: origin.x, y: origin.y, width: below.width, height: below.height)
      layout.legendItems = below.items.map {
        ($0.series, origin.x + $0.x, origin.y + $0.y, $0.lines)
      }
      return layout
    }
    let inside = insideLegend(entries, maximumText: plot.width * 0.45)
    let occupied = occupancy(layout)
    for box in candidates(plot, (inside.width, inside.height)) where !occupied.hits(box) {
      layout.legend = box
      layout.legendItems = inside.items.map { ($0.series, box.x + $0.x, box.y + $0.y, $0.lines) }
      return layout
    }
    return nil
  }

  /// As many nice ticks as fit with their labels apart by at least 16 pixels.
  static func spacedTicks(_ scale: Scale, width: Double) -> [Double] {
    var target = max(2, Int(width / 90))
    while true {
      let ticks = scale.ticks(target: target)
      let labels = Ticks.labels(ticks, kind: scale.kind)
      let widest = labels.map { SVG.textWidth($0, size: tickSize) }.max() ?? 0
      let gaps = zip(ticks, ticks.dropFirst()).map {
        abs(scale.position($1) - scale.position($0))
      }
      if target <= 2 || (gaps.min() ?? .infinity) >= widest + 16 { return ticks }
      target -= 1
    }
  }

  /// Legend positions inside `plot`, in matplotlib's order of preference.
  private func candidates(_ plot: Box, _ size: (width: Double, height: Double)) -> [Box] {
    let inset = 10.0
    let (w, h) = size
    let left = plot.x + inset
    let right = plot.maxX - inset - w
    let center = plot.x + (plot.width - w) / 2
    let top = plot.y + inset
    let bottom = plot.maxY - inset - h
    let middle = plot.y + (plot.height - h) / 2
    return [
      (right, top), (left, top), (left, bottom), (right, bottom), (right, middle), (left, middle),
      (center, bottom), (center, top), (center, middle),
    ].map { Box(x: $0.0, y: $0.1, width: w, height: h) }
  }

  /// The pixels (in 4-pixel cells) that lines and bands cover.
  private func occupancy(_ layout: Layout) -> Occupancy {
    var grid = Occupancy()
    if let baseline, yScale == .linear || baseline.value > 0 {
      var x = layout.plot.x
      while x <= layout.plot.maxX {
        grid.mark(x: x, y: layout.y.position(baseline.value))
        x += Occupancy.cell
      }
    }
    for series in drawnSeries {
      let points = series.points.map {
        (layout.x.position($0.x), layout.y.position($0.y))
      }
      for (a, b) in zip(points, points.dropFirst()) {
        let steps = max(1, Int(max(abs(b.0 - a.0), abs(b.1 - a.1)) / 2))
        for step in 0...steps {
          let t = Double(step) / Double(steps)
          grid.mark(x: a.0 + (b.0 - a.0) * t, y: a.1 + (b.1 - a.1) * t)
        }
      }
      if let only = points.first, points.count == 1 { grid.mark(x: only.0, y: only.1) }
      for span in series.band {
        let x = layout.x.position(span.x)
        grid.markColumn(x: x, from: layout.y.position(span.high), to: layout.y.position(span.low))
      }
      // Between band points, fill the columns too, so a wide band counts whole.
      for (a, b) in zip(series.band, series.band.dropFirst()) {
        let (xa, xb) = (layout.x.position(a.x), layout.x.position(b.x))
        var x = xa + 4
        while x < xb {
          let t = (x - xa) / (xb - xa)
          let high = a.high + (b.high - a.high) * t
          let low = a.low + (b.low - a.low) * t
          grid.markColumn(x: x, from: layout.y.position(high), to: layout.y.position(low))
          x += 4
        }
      }
    }
    return grid
  }
}

/// Which 4-pixel cells of the canvas hold ink.
struct Occupancy {
  private var cells = Set<Int64>()
  static let cell = 4.0

  private static func key(_ column: Int, _ row: Int) -> Int64 {
    Int64(column) << 32 | Int64(UInt32(bitPattern: Int32(row)))
  }

  mutating func mark(x: Double, y: Double) {
    guard x.isFinite, y.isFinite else { return }
    cells.insert(Self.key(Int((x / Self.cell).rounded(.down)), Int((y / Self.cell).rounded(.down))))
  }

  mutating func markColumn(x: Double, from top: Double, to bottom: Double) {
    guard x.isFinite, top.isFinite, bottom.isFinite else { return }
    var y = min(top, bottom)
    while y <= max(top, bottom) {
      mark(x: x, y: y)
      y += Self.cell
    }
    mark(x: x, y: max(top, bottom))
  }

  /// True when any cell within `box` (grown by 4 pixels) holds ink.
  func hits(_ box: LineChart.Box) -> Bool {
    let grow = Self.cell
    let columns =
      Int(
        ((box.x - grow) / Self.cell).rounded(.down))...Int(
        ((box.maxX + grow) / Self.cell).rounded(.down))
    let rows =
      Int(
        ((box.y - grow) / Self.cell).rounded(.down))...Int(
        ((box.maxY + grow) / Self.cell).rounded(.down))
    for column in columns {
      for row in rows where cells.contains(Self.key(column, row)) { return true }
    }
    return false
  }
}
