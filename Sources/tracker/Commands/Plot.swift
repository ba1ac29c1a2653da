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
        except the seed; --group-by KEYS groups by those settings only and says in the \
        subtitle which settings it pooled) and draws one line per group: the mean over its runs at each \
        iteration, their minimum to maximum as a light band. Each optimizer keeps one colour \
        in every figure; groups of one optimizer differ by dash. Labels hold what differs \
        among the groups; the subtitle says what they all share. Accuracies are drawn from \
        0 to 1 with a dotted line at chance; triangles on the x axis mark each group's median \
        learning start.

        Seeds: by default (auto) each seed of a group is drawn as a thin line instead of the \
        band when the group has 2 or 3 runs, or when its final test accuracies split (two \
        sorted values more than 10 points apart); --per-seed draws them for every group, \
        --no-per-seed never. --smooth N draws the trailing moving average over N points \
        (said in the subtitle), for the noisy per-iteration loss. --final draws each \
        group's final test accuracy instead: one dot per seed, mean and 95% CI, on an axis \
        zoomed to the data.

        With one --run, draws that run's train and test accuracy (or its loss) as the \
        reference notebook did; with several, overlays their --metric, one line each.

        The format follows the file name: .svg, or .png (converted with rsvg-convert, from \
        Debian's librsvg2-bin). -o - writes SVG to stdout.

        Examples:
          tracker plot sgd adam -o curves.svg
          tracker plot --metric loss --log-scale -o loss.png
          tracker plot --run 3f2a9c1e -o adam.png
          tracker plot --run 3f2a --run adam-lr01 -o two.svg
          tracker plot adam --final -o final.svg
          tracker plot --metric loss --smooth 20 --log-scale -o loss.svg
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

    @OptionGroup var grouping: GroupingOptions

    @Option(help: "What to draw against iteration.")
    var metric: CurveMetric = .testAccuracy

    @Flag(help: "Logarithmic y axis (with --metric loss).")
    var logScale = false

    @Option(
      name: .customLong("run"),
      help: ArgumentHelp(
        "Draw this run (its name, id or a unique id prefix): one run's train and test"
          + " accuracy or loss; repeated, the runs' --metric overlaid.",
        valueName: "run"))
    var runIDs: [String] = []

    @Flag(
      inversion: .prefixedNo,
      help: "Draw each seed as a thin line (default: for groups of 2-3 runs or split seeds).")
    var perSeed: Bool?

    @Option(help: ArgumentHelp("Moving average over N points (1: none).", valueName: "N"))
    var smooth = 1

    @Flag(help: "Draw each group's final test accuracy (dots per seed, mean, 95% CI).")
    var final = false

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
      if !runIDs.isEmpty
        && (!optimizers.isEmpty || !filter.conditions.isEmpty || !filter.tag.isEmpty
          || !filter.status.isEmpty || final || grouping.groupBy != nil)
      {
        throw ValidationError(
          "--run draws the runs named; leave out the optimizer names, --where, --tag, --status,"
            + " --group-by and --final")
      }
      if smooth < 1 || smooth > 10_000 {
        throw ValidationError("--smooth \(smooth): give a number of points from 1 (none) to 10000")
      }
      if tune != nil
        && (!runIDs.isEmpty || !optimizers.isEmpty || !filter.conditions.isEmpty
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
      let (svg, what) = try drawing(store)
      try ChartFile.write(svg: svg, to: output)
      if output != "-" { print("wrote \(output): \(what)") }
    }

    var seedMode: CurveCharts.PerSeed {
      perSeed.map { $0 ? .always : .never } ?? .auto
    }

    /// The SVG, and what it shows in a few words for the confirmation line.
    func drawing(_ store: RunStore) throws -> (String, String) {
      guard final else {
        let (chart, what) = try chart(store)
        return (chart.svg(), what)
      }
      let selection = try RunSelection(store, optimizers: optimizers, options: filter)
      let groups = try selection.groups(by: grouping.keys())
      var chart = FinalAccuracyChart.groups(groups)
      chart.width = Double(width)
      return (chart.svg(), "final test accuracy of \(Plural.count(groups.count, "group"))")
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
        what = "learning-rate sensitivity of \(Plural.count(results.count, "optimizer"))"
      } else if runIDs.count > 1 {
        let runs = try runIDs.map { try store.resolve(run: $0) }
        chart = CurveCharts.overlay(
          runs, metric: metric, logScale: logScale, smoothing: smooth,
          curves: try store.curves(metric, of: runs))
        what = "\(CurveCharts.title(metric)) of \(Plural.count(runs.count, "run"))"
      } else if let runID = runIDs.first {
        let run = try store.resolve(run: runID)
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
        let groups = try selection.groups(by: grouping.keys())
        let runs = groups.map(\.samples.count).reduce(0, +)
        chart = CurveCharts.groups(
          try selection.curves(metric, of: groups), metric: metric, logScale: logScale,
          what: FilterOptions.describe(selection.filter.statuses),
          options: .init(
            perSeed: seedMode, smoothing: smooth,
            seedCurves: try selection.seedCurves(metric, of: groups, mode: seedMode)))
        what =
          "\(CurveCharts.title(metric)) of \(Plural.count(groups.count, "group")),"
          + " \(Plural.count(runs, "run"))"
      }
      chart.width = Double(width)
      chart.height = Double(height)
      return (chart, what)
    }
  }
}
