// TuneHTMLReport: `tracker report --tune NAME`: one self-contained HTML page for a
// tune: the learning-rate sensitivity plot beside the test-accuracy curves of the
// confirm runs (the selected rates), then the tune's table and notes as
// `tracker tune` prints them. Same look as the run report (HTMLReport.style).
import Foundation
import TrackerStore

public struct TuneHTMLReport {
  public var report: TuneReport
  /// Test accuracy of each optimizer's confirm runs (mean line, min-max band).
  public var curves: [GroupCurve]
  public var databasePath: String
  public var generatedAt: Date
  public var trackerVersion: String

  public init(
    report: TuneReport, curves: [GroupCurve], databasePath: String, generatedAt: Date,
    trackerVersion: String
  ) {
    self.report = report
    self.curves = curves
    self.databasePath = databasePath
    self.generatedAt = generatedAt
    self.trackerVersion = trackerVersion
  }

  public func html() -> String {
    let title = "tracker tune \(report.name)"
    var out = SVGWriter()
    let generated = Format.minute(Timestamp.string(from: generatedAt))
    out.openPage(
      title: title, style: HTMLReport.style + "\n" + Self.style,
      meta: "Database \(databasePath). Generated \(generated) UTC by tracker \(trackerVersion).")
    out.raw(section())
    out.closePage()
    return out.text
  }

  // MARK: - Section

  /// Style the section adds to `HTMLReport.style`.
  public static let style = ".pair { display: flex; flex-wrap: wrap; gap: 12px; }"

  /// The plots and the table, without the page around them: `tracker serve`
  /// shows the same markup on /tune/NAME.
  public func section() -> String {
    var out = SVGWriter()
    out.element("h2", [:], text: "Learning rates and tuned curves")
    out.open("div", ["class": "pair"])
    var sensitivity = SensitivityChart.chart(
      name: report.name, definition: report.definition, results: report.results)
    sensitivity.width = 640
    sensitivity.height = 460
    out.open("figure")
    out.raw(sensitivity.svg(standalone: false))
    out.close("figure")
    var tuned = CurveCharts.groups(
      curves, metric: .testAccuracy, logScale: false, what: "confirm runs at the selected rates")
    tuned.width = 640
    tuned.height = 460
    tuned.id = "tuned"
    out.open("figure")
    out.raw(tuned.svg(standalone: false))
    out.close("figure")
    out.close("div")
    out.element("h2", [:], text: "Result")
    // The table as `tracker tune` prints it, in a monospace block.
    out.element("pre", [:], text: report.render(.table))
    return out.text
  }
}
