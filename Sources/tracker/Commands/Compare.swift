// `tracker compare`: which optimizer is better, across seeds. One row per group
// of runs that differ only by seed, read from the stored run summaries.
import ArgumentParser
import Foundation
import TrackerEngine
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
        """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "Optimizers to compare (default: every optimizer with selected runs).")
    var optimizers: [String] = []

    @OptionGroup var filter: FilterOptions

    @Option(help: "Accuracy above the baseline at which learning counts as started.")
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
      var names: [String] = []
      for name in optimizers where !names.contains(name) { names.append(name) }
      let selection = try filter.filter(optimizers: names, defaultStatuses: [.completed])
      var runs = try store.runs(matching: selection)
      // Diverged runs are counted in a note, not averaged in.
      let diverged = try DivergedRuns.beside(selection, store: store)
      let found = Set((runs + diverged).map(\.optimizer))
      let missing = names.filter { !found.contains($0) }
      if (runs.isEmpty && diverged.isEmpty) || !missing.isEmpty {
        throw try Self.nothingToCompare(store, selection: selection, missing: missing)
      }
      try store.recomputeLearningStart(&runs, margin: margin)
      let order = names.isEmpty ? OptimizerKind.allCases.map(\.rawValue) : names
      let groups = RunComparison.groups(runs, optimizerOrder: order)
      var report = CompareReport(groups: groups, margin: margin)
      if format == .table { report.curves = try Sparkline.compareLines(groups, store: store) }
      let note = DivergedRuns.note(diverged, averaged: runs, optimizerOrder: order) ?? ""
      // Machine formats keep stdout parseable: there the note goes to stderr.
      guard format == .json || format == .csv else {
        return (groups.isEmpty ? "" : report.render(format)) + note
      }
      if !note.isEmpty { printError(String(note.dropLast())) }
      return report.render(format)
    }

    /// Why nothing (or not every optimizer asked for) was selected, naming
    /// what the database does hold.
    static func nothingToCompare(_ store: RunStore, selection: RunFilter, missing: [String])
      throws -> StoreError
    {
      let path = store.database.path
      let total = try store.count(matching: RunFilter())
      if total == 0 {
        return StoreError("no runs in \(path) yet; record some with 'tracker run --opt adam'")
      }
      var anyOptimizer = selection
      anyOptimizer.optimizers = []
      let narrowed = !selection.conditions.isEmpty || !selection.tags.isEmpty
      let what = FilterOptions.describe(selection.statuses)
      let matching = narrowed ? " matching the filters" : ""
      let present = try store.optimizerCounts(matching: anyOptimizer)
      guard !present.isEmpty else {
        return StoreError(
          "no \(what)\(matching) in \(path) (\(total) runs in all; see 'tracker list --status all')"
        )
      }
      let names = missing.map { "'\($0)'" }.joined(separator: ", ")
      let list = present.map { "\($0.optimizer) (\($0.runs))" }.joined(separator: ", ")
      return StoreError("no \(what) of \(names)\(matching) in \(path); present: \(list)")
    }
  }
}
