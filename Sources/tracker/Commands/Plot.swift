// `tracker plot`: accuracy or loss curves as SVG or PNG, drawn by tracker from
// the database: one colour per group of runs (mean line, min-max band), or one
// run's train and test accuracy as the reference notebook drew it.
import ArgumentParser
import Foundation
import TrackerReports
import TrackerStore

extension CurveMetric: ExpressibleByArgument {
  /// Also accepts "test-acc" for "test_acc".
  public init?(argument: String) {
    self.init(rawValue: argument.replacingOccurrences(of: "-", with: "_").lowercased())
  }

  public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension Tracker {
  struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Draw test accuracy, train accuracy or loss curves as SVG or PNG.",
      discussion: """
        Groups the selected runs as compare does (by optimizer and every hyperparameter \
        except the seed) and draws one colour per group: the mean over its runs at each \
        iteration as a line, their minimum to maximum as a light band. Accuracies are drawn \
        from 0 to 1. With --run, draws that one run's train and test accuracy (or its loss) \
        as the reference notebook did.

        The format follows the file name: .svg, or .png (converted with rsvg-convert, from \
        Debian's librsvg2-bin). -o - writes SVG to stdout.

        Examples:
          tracker plot sgd adam -o curves.svg
          tracker plot --metric loss --log-scale -o loss.png
          tracker plot --run 3f2a9c1e -o adam.png
          tracker plot --tune tune-3f2a9c1e -o lr.svg   (learning-rate sensitivity)
        """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "Optimizers to draw (default: every optimizer with selected runs).")
    var optimizers: [String] = []

    @OptionGroup var filter: FilterOptions

    @Option(
      name: [.short, .customLong("output")],
      help: ArgumentHelp("The file to write: .svg or .png; - for SVG on stdout.", valueName: "file")
    )
    var output: String

    @Option(help: "What to draw against iteration.")
    var metric: CurveMetric = .testAccuracy

    @Flag(help: "Logarithmic y axis (with --metric loss).")
    var logScale = false

    @Option(
      name: .customLong("run"),
      help: ArgumentHelp(
        "Draw one run (its id or a unique prefix): train and test accuracy, or its loss.",
        valueName: "id"))
    var runID: String?

    @Option(
      help: ArgumentHelp(
        "Draw tune NAME's learning-rate sensitivity: final validation accuracy against lr.",
        valueName: "name"))
    var tune: String?

    @Option(help: "Image width in pixels.")
    var width = 900

    @Option(help: "Image height in pixels.")
    var height = 560

    func validate() throws {
      guard ChartFile.kind(of: output) != nil else {
        throw ValidationError("-o '\(output)': give a file name ending in .svg or .png, or -")
      }
      if logScale && metric != .loss {
        throw ValidationError(
          "--log-scale is for --metric loss; accuracies are drawn from 0 to 1")
      }
      if runID != nil
        && (!optimizers.isEmpty || !filter.conditions.isEmpty || !filter.tag.isEmpty
          || !filter.status.isEmpty)
      {
        throw ValidationError(
          "--run draws one run; leave out the optimizer names and --where, --tag and --status")
      }
      if tune != nil
        && (runID != nil || !optimizers.isEmpty || !filter.conditions.isEmpty
          || !filter.tag.isEmpty || !filter.status.isEmpty || logScale || metric != .testAccuracy)
      {
        throw ValidationError(
          "--tune draws one tune's sensitivity plot; leave out --run, optimizer names, filters, --metric and --log-scale"
        )
      }
      guard width >= 800, height >= 500, width <= 10_000, height <= 10_000 else {
        throw ValidationError("--width must be 800 to 10000 and --height 500 to 10000 pixels")
      }
    }

    func run() throws {
      let store = try RunStore.openExisting(path: database.resolvedPath)
      let (chart, what) = try chart(store)
      try ChartFile.write(svg: chart.svg(), to: output)
      if output != "-" { print("wrote \(output): \(what)") }
    }

    /// The chart, and what it shows in a few words for the confirmation line.
    func chart(_ store: RunStore) throws -> (LineChart, String) {
      var chart: LineChart
      let what: String
      if let tune {
        let plan = try Tracker.Tune.plan(named: tune, in: store)
        let results = try plan.results(store)
        chart = SensitivityChart.chart(
          name: tune, definition: plan.definition, results: results)
        what = "learning-rate sensitivity of \(results.count) optimizers"
      } else if let runID {
        let run = try store.resolve(runID)
        var curves: [CurveMetric: [CurvePoint]] = [:]
        for metric in CurveCharts.runMetrics(metric) {
          curves[metric] = try store.curve(metric, of: run)
        }
        chart = CurveCharts.run(run, metric: metric, logScale: logScale, curves: curves)
        what = "\(chart.title) (run \(run.shortID))"
      } else {
        // The groups in compare's order; the same errors as compare when
        // nothing (or not every optimizer named) is selected.
        let selection = try RunSelection(store, optimizers: optimizers, options: filter)
        let groups = try selection.groups()
        let runs = groups.map(\.runs.count).reduce(0, +)
        chart = CurveCharts.groups(
          try selection.curves(metric, of: groups), metric: metric, logScale: logScale,
          what: FilterOptions.describe(selection.filter.statuses))
        what = "\(CurveCharts.title(metric)) of \(groups.count) groups, \(runs) runs"
      }
      chart.width = Double(width)
      chart.height = Double(height)
      return (chart, what)
    }
  }
}
