// `tracker report -o report.html`: one self-contained HTML page with the
// comparison table, the curves (inline SVG) and every run with its
// hyperparameters; scripts/render-report screenshots it with headless Chromium.
import ArgumentParser
import Foundation
import TrackerEngine
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
        """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "Optimizers to include (default: all).")
    var optimizers: [String] = []

    @OptionGroup var filter: FilterOptions

    @Option(
      name: [.short, .customLong("output")],
      help: ArgumentHelp("The HTML file to write; - for stdout.", valueName: "file"))
    var output: String

    @Option(help: "The page title.")
    var title = "tracker report"

    func validate() throws {
      let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
      guard output == "-" || ext == "html" || ext == "htm" else {
        throw ValidationError("-o '\(output)': give a file name ending in .html, or -")
      }
    }

    func run() throws {
      let store = try RunStore.openExisting(path: database.resolvedPath)
      let html = try report(store).html()
      if output == "-" {
        print(html, terminator: "")
      } else {
        try ChartFile.writeFile(Data(html.utf8), to: output)
        print("wrote \(output)")
      }
    }

    /// The report of the selected runs (every status unless --status says
    /// otherwise); its comparison and curves use the completed ones.
    func report(_ store: RunStore) throws -> HTMLReport {
      var names: [String] = []
      for name in optimizers where !names.contains(name) { names.append(name) }
      let selection = try filter.filter(optimizers: names, defaultStatuses: [])
      let runs = try store.runs(matching: selection, newestFirst: true, includeTags: true)
      let found = Set(runs.map(\.optimizer))
      let missing = names.filter { !found.contains($0) }
      if runs.isEmpty || !missing.isEmpty {
        throw try Compare.nothingToCompare(store, selection: selection, missing: missing)
      }
      var completed = runs.filter { $0.status == .completed }
      // Oldest first within a group, as compare lists them.
      completed.reverse()
      try store.recomputeLearningStart(&completed, margin: LearningStart.defaultMargin)
      let order = names.isEmpty ? OptimizerKind.allCases.map(\.rawValue) : names
      let groups = RunComparison.groups(completed, optimizerOrder: order)
      var charts: [String] = []
      if !groups.isEmpty {
        let what = "completed runs"
        for (index, (metric, log)) in [
          (CurveMetric.testAccuracy, false), (.loss, true), (.trainAccuracy, false),
        ].enumerated() {
          var chart = try CurveCharts.groups(
            groups, metric: metric, logScale: log, store: store, what: what)
          chart.id = "chart\(index + 1)"
          charts.append(chart.svg(standalone: false))
        }
      }
      return HTMLReport(
        title: title, databasePath: store.database.path, generatedAt: Date(), runs: runs,
        groups: groups, margin: LearningStart.defaultMargin, charts: charts,
        testCurves: try store.curves(.testAccuracy, of: runs))
    }
  }
}
