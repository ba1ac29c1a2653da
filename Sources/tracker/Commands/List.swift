// `tracker list`: the recorded runs, newest first, one line each.
import ArgumentParser
import Foundation
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
        """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "Only runs of these optimizers.")
    var optimizers: [String] = []

    @OptionGroup var filter: FilterOptions

    @Option(help: "Show at most this many runs; 0 shows all.")
    var limit: Int = 20

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
      let selection = try filter.filter(optimizers: optimizers, defaultStatuses: [])
      let runs = try store.runs(
        matching: selection, newestFirst: true, limit: limit == 0 ? nil : limit, includeTags: true)
      var note: String?
      if runs.isEmpty {
        guard try store.count(matching: RunFilter()) > 0 else {
          throw StoreError(
            "no runs in \(store.database.path) yet; record some with 'tracker run --opt adam'")
        }
        note = "no runs match; 'tracker list --status all' shows every run"
      } else if limit > 0, runs.count == limit {
        let total = try store.count(matching: selection)
        if total > limit {
          note = "showing the newest \(limit) of \(total) runs; --limit 0 shows all"
        }
      }
      return (ListReport(runs: runs).render(format), note)
    }
  }
}
