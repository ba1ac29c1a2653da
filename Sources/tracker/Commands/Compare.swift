// `tracker compare`: which optimizer is better, across seeds. One row per group
// of runs that differ only by seed, read from the stored run summaries.
import ArgumentParser
import Foundation
import TrackerReports
import TrackerStore

extension Tracker {
  struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Compare optimizers across seeds: final and best test accuracy, learning start, loss, time.",
      discussion: """
        Groups the selected runs by optimizer and every hyperparameter except the seed, and \
        prints one row per group: runs, final test accuracy (mean, sd, min, max), best test \
        accuracy, learning start (median iteration; 'never': runs that never started), final \
        loss and duration. A group is labelled by the hyperparameters that differ between the \
        groups shown. With exactly two groups of 2+ runs each, also prints the difference of \
        their mean final test accuracy with a 95% confidence interval and p-value (Welch's \
        t-test).

        Learning starts at the first evaluation from which test accuracy stays at or above \
        baseline + margin (baseline: always answering the most frequent class, 0.1135 on MNIST).

        Examples:
          tracker compare
          tracker compare sgd adam --where lr=0.01
          tracker compare --tag sweep=lr --format json
          tracker compare --group-by optimizer,lr --sort acc:desc
        """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "Optimizers to compare (default: every optimizer with selected runs).")
    var optimizers: [String] = []

    @OptionGroup var filter: FilterOptions

    @OptionGroup var grouping: GroupingOptions

    @Option(
      help: ArgumentHelp(
        "Order the groups by label, optimizer, runs, acc (mean final test accuracy), best,"
          + " start (median learning start), loss or time; ascending unless :desc.",
        valueName: "key[:desc]"))
    var sort: String?

    // Parsed unconditionally so `--margin -1` is called an invalid margin,
    // not a missing value (-1 looks like an option).
    @Option(
      parsing: .unconditional,
      help: "Accuracy above the baseline at which learning counts as started.")
    var margin: Double = LearningStart.defaultMargin

    @Option(help: "Output format.")
    var format: OutputFormat = .table

    func validate() throws {
      guard margin.isFinite, margin >= 0, margin < 1 else {
        throw ValidationError(
          "--margin \(margin) is not valid; give a fraction in [0, 1), e.g. 0.05")
      }
    }

    func run() throws {
      let store = try RunStore.openExisting(path: database.resolvedPath)
      print(try report(store), terminator: "")
    }

    /// The output for `store`, or a one-line `StoreError` when nothing can be
    /// compared (no such optimizer, no runs, no matches).
    func report(_ store: RunStore) throws -> String {
      let selection = try RunSelection(
        store, optimizers: optimizers, options: filter, countDiverged: true)
      var groups = try selection.groups(margin: margin, by: grouping.keys())
      if let sort { groups = try GroupOrder(parsing: sort).sorted(groups) }
      // JSON and CSV carry no header: say what a --group-by pooled on stderr.
      if format == .json || format == .csv, let pooled = RunComparison.pooledNote(groups) {
        printError(pooled)
      }
      var report = CompareReport(groups: groups, margin: margin)
      report.width = TerminalInfo.detect(fd: STDOUT_FILENO).columns
      if format == .table {
        report.curves = Sparkline.compareLines(
          try selection.curves(.testAccuracy, of: groups, runsPerGroup: Sparkline.runsPerGroup),
          width: report.width)
      }
      return selection.comparison(report, format: format)
    }
  }
}

extension OutputFormat: ExpressibleByArgument {}
