// `tracker report -o report.html`: one self-contained HTML page with the
// comparison table, the curves (inline SVG) and every run with its
// hyperparameters; scripts/render-report screenshots it with headless Chromium.
import ArgumentParser
import Foundation
import TrackerReports
import TrackerStore

extension Tracker {
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write an HTML report: comparison table, curves and every run.",
      discussion: """
        One self-contained HTML file (no scripts, no network, no external fonts or \
        images): the compare table of the completed runs, their test accuracy, loss \
        (log scale) and train accuracy curves per group, and the list of every selected \
        run with its hyperparameters. scripts/render-report turns it into a PNG.

        Examples:
          tracker report -o report.html
          tracker report sgd adam --tag sweep=lr -o sweep.html
          tracker report --tune tune-3f2a9c1e -o tune.html
        """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "Optimizers to include (default: all).")
    var optimizers: [String] = []

    @OptionGroup var filter: FilterOptions

    @OptionGroup var grouping: GroupingOptions

    @Option(
      name: [.short, .customLong("output")],
      help: ArgumentHelp("The HTML file to write; - for stdout.", valueName: "file"))
    var output: String

    @Option(
      help: ArgumentHelp(
        "Report tune NAME: its sensitivity plot, tuned curves and table.", valueName: "name"))
    var tune: String?

    @Option(help: "The page title.")
    var title = "tracker report"

    func validate() throws {
      guard output == "-" || ChartFile.fileExtension(of: output) == "html" else {
        throw ValidationError("-o '\(output)': give a file name ending in .html, or -")
      }
      if tune != nil
        && (!optimizers.isEmpty || !filter.conditions.isEmpty || !filter.tag.isEmpty
          || !filter.status.isEmpty)
      {
        throw ValidationError(
          "--tune reports one tune's runs; leave out optimizer names and --where, --tag and --status"
        )
      }
    }

    func run() throws {
      let store = try RunStore.openExisting(path: database.resolvedPath)
      let html = try tune.map { try tuneReport($0, store).html() } ?? report(store).html()
      if output == "-" {
        print(html, terminator: "")
      } else {
        try ChartFile.writeFile(Data(html.utf8), to: output)
        print("wrote \(output)")
      }
    }

    /// The page of tune `name`: its confirm runs' curves grouped per optimizer.
    func tuneReport(_ name: String, _ store: RunStore) throws -> TuneHTMLReport {
      let plan = try Tracker.Tune.plan(named: name, in: store)
      let results = try plan.results(store)
      let runs = results.flatMap { $0.runs.map(\.run) }
      let groups = RunComparison.groups(runs, optimizerOrder: results.map(\.optimizer))
      let curves = zip(groups, try store.bands(.testAccuracy, of: groups)).map {
        GroupCurve(group: $0, band: $1)
      }
      return TuneHTMLReport(
        report: TuneReport(name: name, definition: plan.definition, results: results),
        curves: curves, databasePath: store.database.path, generatedAt: Date(),
        trackerVersion: Tracker.version)
    }

    /// The report of the selected runs (every status unless --status says
    /// otherwise); its comparison and curves use the completed ones.
    func report(_ store: RunStore) throws -> HTMLReport {
      let selection = try RunSelection(
        store, optimizers: optimizers, options: filter, defaultStatuses: [], newestFirst: true,
        includeTags: true)
      // Oldest first within a group, as compare lists them.
      let completed = selection.runs.filter { $0.status == .completed }
      let groups = try selection.groups(completed.reversed(), by: grouping.keys())
      var curves: [CurveMetric: [GroupCurve]] = [:]
      if !groups.isEmpty {
        for chart in HTMLReport.charts {
          curves[chart.metric] = try selection.curves(chart.metric, of: groups)
        }
      }
      var report = HTMLReport(
        title: title, databasePath: store.database.path, generatedAt: Date(),
        trackerVersion: Tracker.version, runs: selection.runs, groups: groups,
        margin: LearningStart.defaultMargin, curves: curves,
        testCurves: try store.curves(.testAccuracy, of: selection.runs))
      for chart in HTMLReport.charts where !groups.isEmpty {
        report.seedCurves[chart.metric] = try selection.seedCurves(
          chart.metric, of: groups, mode: .auto)
      }
      // The per-iteration loss is noisy: a moving average over 1% of the
      // longest run, said in the chart's subtitle.
      let longest = (curves[.loss] ?? []).compactMap { $0.band.last?.iteration }.max() ?? 0
      report.lossSmoothing = max(1, longest / 100)
      return report
    }
  }
}
