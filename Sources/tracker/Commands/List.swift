// `tracker list`: the recorded runs, newest first, one line each.
import ArgumentParser
import Foundation
import TrackerReports
import TrackerStore

extension Tracker {
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List runs, newest first: id, optimizer, seed, status, accuracy, learning start.",
      discussion: """
        Shows every status unless --status is given. The id column is the start of each run's \
        id; give it (or any unique prefix) to 'tracker show' or 'tracker delete'.

        Examples:
          tracker list
          tracker list adam --where lr=0.001 --limit 0
          tracker list --status failed --status diverged --format csv
          tracker list --where 'final_test_acc>=0.9' --where 'optimizer in (adam,rmsprop)'
          tracker list --sort final_test_acc:desc --limit 5
          tracker list --duplicates

        --duplicates lists the completed runs that repeat a configuration and seed, each set \
        together, earliest first: compare counts the earliest run of each set once and leaves \
        the others out (see docs/querying.md).
        """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "Only runs of these optimizers.")
    var optimizers: [String] = []

    @OptionGroup var filter: FilterOptions

    @Flag(help: "Only completed runs of a configuration and seed that has several.")
    var duplicates = false

    @Option(help: "Show at most this many runs; 0 shows all.")
    var limit: Int = 20

    @Option(
      help: ArgumentHelp(
        "Order by this --where key or started_at, ascending unless :desc (default:"
          + " started_at:desc); runs without a value come last.",
        valueName: "key[:desc]"))
    var sort: String?

    @Option(help: "Output format.")
    var format: OutputFormat = .table

    func validate() throws {
      if limit < 0 { throw ValidationError("--limit must be 0 (all) or more") }
    }

    func run() throws {
      let store = try RunStore.openExisting(path: database.resolvedPath)
      store.notes.forEach(printError)
      let (output, note) = try report(store)
      print(output, terminator: "")
      if let note { printError(note) }
    }

    /// The output, and a note for stderr when runs were left out (or none
    /// matched), so stdout stays parseable.
    func report(_ store: RunStore) throws -> (output: String, note: String?) {
      try OptimizerName.check(optimizers)
      var selection = try filter.filter(
        optimizers: optimizers, defaultStatuses: duplicates ? [.completed] : [])
      selection.duplicatesOnly = duplicates
      let order = try sort.map(RunOrder.init(parsing:))
      // An optimizer without runs is the same error as in compare, not an empty table.
      let present = Set(try store.optimizerCounts(matching: RunFilter()).map(\.optimizer))
      let missing = optimizers.filter { !present.contains($0) }
      if !missing.isEmpty, try store.count(matching: RunFilter()) > 0 {
        throw try RunSelection.nothingToCompare(
          store, selection: RunFilter(optimizers: missing), missing: missing)
      }
      var runs = try store.runs(
        matching: selection, newestFirst: true, limit: limit == 0 || duplicates ? nil : limit,
        includeTags: true, order: order)
      if duplicates {
        // Each set together, its earliest run (the one compare counts) first.
        runs.sort { ($0.configKey, $0.seed, $0.seq) < ($1.configKey, $1.seed, $1.seq) }
        if limit > 0 { runs = Array(runs.prefix(limit)) }
      }
      var note: String?
      if runs.isEmpty {
        guard try store.count(matching: RunFilter()) > 0 else {
          throw StoreError(
            "no runs in \(store.database.path) yet; record some with 'tracker run --opt adam'")
        }
        note =
          duplicates
          ? "no completed run repeats a configuration and seed among the runs selected"
          : "no runs match; 'tracker list --status all' shows every run"
      } else if limit > 0, runs.count == limit {
        let total = try store.count(matching: selection)
        if total > limit {
          let which = duplicates || sort != nil ? "first" : "newest"
          note = "showing the \(which) \(limit) of \(total) runs; --limit 0 shows all"
        }
      }
      let width = TerminalInfo.detect(fd: STDOUT_FILENO).columns
      return (ListReport(runs: runs, width: width).render(format), note)
    }
  }
}
