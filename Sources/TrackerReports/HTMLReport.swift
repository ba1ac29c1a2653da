// HTMLReport: `tracker report` as one self-contained HTML file: the compare
// table, the curves as inline SVG, and every run with its hyperparameters,
// drawn from values the caller has read.
// No scripts, no external fonts, stylesheets or images: a browser needs
// nothing else. Written as well-formed XML (every element closed, only the
// five XML entities), so tests can parse it.
import Foundation
import TrackerStore

public struct HTMLReport {
  public var title: String
  public var databasePath: String
  public var generatedAt: Date
  /// The tracker version, for the line under the title.
  public var trackerVersion: String
  /// Every selected run, newest first.
  public var runs: [StoredRun]
  /// The groups of completed runs, as compare makes them.
  public var groups: [RunGroup]
  public var margin: Double
  /// The groups' band of each metric in `charts`, in the order of `groups`.
  public var curves: [CurveMetric: [GroupCurve]]
  /// Each run's test accuracy, by `seq`, for its sparkline.
  public var testCurves: [Int64: [CurvePoint]]
  /// Each metric's curves of the runs drawn one by one
  /// (`CurveCharts.drawsSeeds`), by `seq`.
  public var seedCurves: [CurveMetric: [Int64: [CurvePoint]]] = [:]
  /// The loss chart's moving average window (1: none).
  public var lossSmoothing = 1

  public init(
    title: String, databasePath: String, generatedAt: Date, trackerVersion: String,
    runs: [StoredRun], groups: [RunGroup], margin: Double,
    curves: [CurveMetric: [GroupCurve]], testCurves: [Int64: [CurvePoint]]
  ) {
    self.title = title
    self.databasePath = databasePath
    self.generatedAt = generatedAt
    self.trackerVersion = trackerVersion
    self.runs = runs
    self.groups = groups
    self.margin = margin
    self.curves = curves
    self.testCurves = testCurves
  }

  /// The charts under "Curves", in order: a metric and whether its y axis is
  /// logarithmic. The caller reads each metric's `curves`.
  public static let charts: [(metric: CurveMetric, logScale: Bool)] = [
    (.testAccuracy, false), (.loss, true), (.trainAccuracy, false),
  ]

  public func html() -> String {
    var out = SVGWriter()
    out.openPage(title: title, style: Self.style, meta: meta())
    out.raw(comparisonSection())
    out.raw(runsSection())
    out.closePage()
    return out.text
  }

  // MARK: - Sections

  /// The "Comparison" and "Curves" sections: the group table, its notes and
  /// the charts. `tracker serve` shows the same markup in its pages.
  public func comparisonSection() -> String {
    var out = SVGWriter()
    out.element("h2", [:], text: "Comparison")
    if groups.isEmpty {
      out.element("p", [:], text: "No completed runs among the selected ones: nothing to compare.")
    } else {
      out.element(
        "p", [:],
        text: (RunComparison.pooledNote(groups) == nil
          ? "Completed runs, grouped by optimizer and every hyperparameter except the seed;"
          : "Completed runs, grouped by the settings --group-by named;")
          + " a group is labelled by what sets it apart. Accuracies in percent."
          + CurveCharts.settingsNote(groups).map { " " + $0 }.joined())
      groupTable(&out)
      out.open("p", ["class": "notes"])
      for line in CompareReport(groups: groups, margin: margin).notes() {
        out.raw(XML.escape(line) + "\n")
      }
      out.close("p")
      out.element("h2", [:], text: "Curves")
      for (index, drawn) in Self.charts.enumerated() {
        var chart = CurveCharts.groups(
          curves[drawn.metric] ?? [], metric: drawn.metric, logScale: drawn.logScale,
          what: "completed runs",
          options: .init(
            smoothing: drawn.metric == .loss ? lossSmoothing : 1,
            seedCurves: seedCurves[drawn.metric] ?? [:]))
        chart.id = "chart\(index + 1)"
        out.open("figure")
        out.raw(chart.svg(standalone: false))
        out.close("figure")
        if index == 0 {
          // The final accuracies zoomed, right after the curves they end.
          var final = FinalAccuracyChart.groups(groups)
          final.id = "final"
          out.open("figure")
          out.raw(final.svg(standalone: false))
          out.close("figure")
        }
      }
    }
    return out.text
  }

  /// The "Runs" section: every selected run with its hyperparameters.
  public func runsSection() -> String {
    var out = SVGWriter()
    out.element("h2", [:], text: "Runs")
    runTable(&out)
    return out.text
  }

  private func meta() -> String {
    let counts: [(status: String, runs: Int)] = Dictionary(grouping: runs, by: \.status.rawValue)
      .map { ($0.key, $0.value.count) }
    let statuses = counts.sorted { $0.runs != $1.runs ? $0.runs > $1.runs : $0.status < $1.status }
      .map { "\($0.runs) \($0.status)" }.joined(separator: ", ")
    let generated = Format.minute(Timestamp.string(from: generatedAt))
    return "Database \(databasePath), \(Plural.count(runs.count, "run"))"
      + (runs.isEmpty ? "" : " (\(statuses))")
      + ". Generated \(generated) UTC by tracker \(trackerVersion)."
  }

  // MARK: - Tables

  private func groupTable(_ out: inout SVGWriter) {
    out.open("div", ["class": "scroll"])
    out.open("table", ["class": "groups"])
    out.open("thead")
    out.open("tr")
    out.element("th", ["rowspan": "2", "class": "left"], text: "group")
    out.element("th", ["rowspan": "2"], text: "seeds")
    out.element("th", ["colspan": "4"], text: "final test accuracy %")
    out.element("th", ["rowspan": "2"], text: "best test acc %")
    out.element("th", ["colspan": "2"], text: "learning start")
    out.element("th", ["rowspan": "2"], text: "final loss (mean)")
    out.element("th", ["rowspan": "2"], text: "time (mean)")
    out.element("th", ["rowspan": "2", "class": "left"], text: "test accuracy")
    out.close("tr")
    out.open("tr")
    for title in ["mean", "sd", "min", "max", "median", "never"] {
      out.element("th", [:], text: title)
    }
    out.close("tr")
    out.close("thead")
    out.open("tbody")
    let styles = CurveCharts.styles(groups)
    for (index, group) in groups.enumerated() {
      let accuracy = group.finalTestAccuracy
      out.open("tr")
      out.open("td", ["class": "left label"])
      out.raw(Self.swatch(styles[index]))
      out.raw(XML.escape(group.label) + "\n")
      out.close("td")
      for cell in [
        String(group.seeds), Format.percent(accuracy?.mean),
        Format.percent(accuracy?.standardDeviation), Format.percent(accuracy?.minimum),
        Format.percent(accuracy?.maximum), Format.percent(group.bestTestAccuracy?.maximum),
        Format.iteration(group.learningStartMedian), String(group.neverStarted),
        Format.loss(group.finalLoss?.mean), Format.duration(group.duration?.mean),
      ] {
        out.element("td", [:], text: cell)
      }
      out.element("td", ["class": "spark"], text: groupSparkline(group))
      out.close("tr")
    }
    out.close("tbody")
    out.close("table")
    out.close("div")
  }

  /// A group's line as the charts draw it: its colour and dash, 28 by 12 pixels.
  static func swatch(_ style: (color: String, dash: String)) -> String {
    var out = SVGWriter()
    out.open("svg", ["class": "swatch", "width": "28", "height": "12", "viewBox": "0 0 28 12"])
    out.element(
      "line",
      [
        "x1": "1", "y1": "6", "x2": "27", "y2": "6", "stroke": style.color, "stroke-width": "3",
        "stroke-dasharray": style.dash,
      ])
    out.close("svg")
    return out.text
  }

  /// The mean test accuracy over the group's runs at each evaluation.
  private func groupSparkline(_ group: RunGroup) -> String {
    var sums: [Int: (total: Double, count: Int)] = [:]
    for run in group.samples {
      for point in testCurves[run.seq] ?? [] {
        sums[point.iteration, default: (0, 0)].total += point.value
        sums[point.iteration, default: (0, 0)].count += 1
      }
    }
    let means = sums.keys.sorted().map { sums[$0]!.total / Double(sums[$0]!.count) }
    return Sparkline.line(means, width: Self.sparkWidth)
  }

  /// The optimizers' own settings, NULL for the other optimizers.
  static let optimizerSettings: [HyperParameter] = [
    .momentum, .adagradTheta, .decayRate, .beta1, .beta2,
  ]

  /// Hyperparameters that differ between the listed runs are shown: the
  /// first two numeric ones (lr, typically) in columns of their own, the rest
  /// as key=value in one column that wraps, so the table fits the page; the
  /// ones every run shares are said once above the table.
  private func runTable(_ out: inout SVGWriter) {
    guard !runs.isEmpty else {
      out.element("p", [:], text: "No runs selected.")
      return
    }
    func varies(_ parameter: HyperParameter) -> Bool { Set(runs.map { $0[parameter] }).count > 1 }
    let columns = Array(
      HyperParameter.grouping.filter {
        varies($0) && !Self.optimizerSettings.contains($0) && $0.kind != .text
      }.prefix(2))
    let settings = HyperParameter.grouping.filter { varies($0) && !columns.contains($0) }
    let common = HyperParameter.grouping.filter { !columns.contains($0) && !settings.contains($0) }
      .compactMap { parameter in
        parameter.display(runs[0][parameter]).map { "\(parameter.rawValue)=\($0)" }
      }
    if !common.isEmpty {
      out.element("p", [:], text: "Every run has " + common.joined(separator: " ") + ".")
    }
    let labelled = runs.contains { $0.name != nil || !$0.tags.isEmpty }
    out.open("div", ["class": "scroll"])
    out.open("table", ["class": "runs"])
    out.open("thead")
    out.open("tr")
    // Titles on two lines ("\n") keep the columns narrow.
    var titles: [(String, Bool)] = [
      ("id", true), ("optimizer", true), ("seed", false), ("status", true),
      ("final\ntest acc %", false), ("learning\nstart", false),
      ("final\nloss", false), ("time", false), ("started\n(UTC)", true),
    ]
    titles += columns.map { ($0.rawValue, $0.kind == .text) }
    if !settings.isEmpty { titles.append(("other\nsettings", true)) }
    if labelled { titles.append(("name, tags", true)) }
    titles.append(("test\naccuracy", true))
    for (title, left) in titles {
      out.open("th", left ? ["class": "left"] : [:])
      out.raw(
        title.split(separator: "\n").map { XML.escape(String($0)) }.joined(separator: "<br/>"))
      out.close("th")
    }
    out.close("tr")
    out.close("thead")
    out.open("tbody")
    for run in runs {
      let summary = run.summary
      out.open("tr")
      out.element("td", ["class": "left id"], text: run.id)
      out.element("td", ["class": "left"], text: run.optimizer)
      out.element("td", [:], text: String(run.seed))
      out.element("td", ["class": "left status-\(run.status.rawValue)"], text: run.status.rawValue)
      for cell in [
        Format.percent(summary.finalTestAccuracy),
        Format.iteration(summary.learningStart.map(Double.init)), Format.loss(summary.finalLoss),
        Format.duration(run.durationSeconds),
      ] {
        out.element("td", [:], text: cell)
      }
      out.element("td", ["class": "left"], text: Format.minute(run.startedAt))
      for parameter in columns {
        out.element(
          "td", parameter.kind == .text ? ["class": "left"] : [:],
          text: parameter.display(run[parameter]) ?? "-")
      }
      if !settings.isEmpty {
        let text = settings.compactMap { parameter in
          parameter.display(run[parameter]).map { "\(parameter.rawValue)=\($0)" }
        }
        out.element("td", ["class": "left wrap"], text: text.joined(separator: " "))
      }
      if labelled {
        let label = ([run.name].compactMap { $0 } + run.tags.map { "\($0.key)=\($0.value)" })
          .joined(separator: " ")
        out.element("td", ["class": "left wrap"], text: label)
      }
      let curve = testCurves[run.seq] ?? []
      out.element(
        "td", ["class": "spark"], text: Sparkline.line(curve.map(\.value), width: Self.sparkWidth))
      out.close("tr")
    }
    out.close("tbody")
    out.close("table")
    out.close("div")
  }

  /// Characters per sparkline in the tables.
  static let sparkWidth = 16

  // MARK: - Style

  public static let style = """
    body { font-family: "DejaVu Sans", Verdana, Helvetica, Arial, sans-serif; color: #222;
      margin: 24px auto; max-width: 1320px; padding: 0 16px; line-height: 1.4; }
    h1 { font-size: 26px; margin-bottom: 4px; }
    h2 { font-size: 20px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
    p.meta { color: #555; margin-top: 0; }
    p.notes { color: #444; font-size: 13px; white-space: pre-line; }
    table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
    th, td { padding: 4px 8px; border-bottom: 1px solid #e3e3e3; text-align: right;
      white-space: nowrap; }
    th { background: #f3f3f3; font-weight: 600; vertical-align: bottom; }
    div.scroll { overflow-x: auto; }
    th.left, td.left { text-align: left; }
    td.id { font-family: "DejaVu Sans Mono", monospace; font-size: 11px; white-space: normal;
      word-break: break-all; max-width: 11em; }
    td.wrap { white-space: normal; min-width: 8em; max-width: 22em; }
    td.label { white-space: normal; min-width: 12em; max-width: 26em; }
    td.spark { font-family: "DejaVu Sans Mono", monospace; text-align: left; color: #348ABD;
      letter-spacing: -1px; }
    tbody tr:nth-child(even) { background: #fafafa; }
    svg.swatch { display: inline-block; margin-right: 6px; vertical-align: 0; }
    .status-failed, .status-diverged, .status-interrupted { color: #B03A2E; }
    .status-running { color: #8A6D00; }
    figure { margin: 16px 0; }
    svg.chart { max-width: 100%; height: auto; display: block; }
    """
}

// MARK: - Page shell

extension SVGWriter {
  /// Starts an HTML page of the report's look: the head with `style`, then
  /// the body's `title` heading and `meta` line. End it with `closePage()`.
  mutating func openPage(title: String, style: String, meta: String) {
    raw("<!DOCTYPE html>\n")
    open("html", ["lang": "en"])
    open("head")
    element("meta", ["charset": "utf-8"])
    element("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
    element("title", [:], text: title)
    // Raw: HTML does not decode entities inside <style>, and the CSS holds no < or &.
    open("style")
    raw(style + "\n")
    close("style")
    close("head")
    open("body")
    element("h1", [:], text: title)
    element("p", ["class": "meta"], text: meta)
  }

  mutating func closePage() {
    close("body")
    close("html")
  }
}
