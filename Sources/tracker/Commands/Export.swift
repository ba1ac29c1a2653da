// `tracker export`: runs with their hyperparameters and metrics as JSON lines (the
// format `tracker import` reads) or a long CSV, to stdout or a file.
import ArgumentParser
import Foundation
import TrackerStore

enum ExportFormat: String, CaseIterable, ExpressibleByArgument { case jsonl, csv }

extension Tracker {
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Write runs with their hyperparameters, losses and evaluations as JSON lines or CSV.",
      discussion: """
        Selects runs by id (or unique prefix), or by the filters (every status unless \
        --status is given); with neither, exports every run. jsonl: one run per line with \
        every column, its tags, losses and evaluations, the format 'tracker import' reads \
        (docs/cluster.md). csv: one row per loss and per evaluation, with the run's id, \
        status, source and hyperparameters.

        Examples:
          tracker export --format jsonl -o runs.jsonl
          tracker export 3f2a9c1e --format csv
          tracker export --where lr=0.01 --status completed --format jsonl
        """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "Runs to export: ids or unique prefixes (default: those the filters select).")
    var runs: [String] = []

    @OptionGroup var filter: FilterOptions

    @Option(help: "Output format.")
    var format: ExportFormat = .jsonl

    @Option(
      name: .shortAndLong,
      help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file"))
    var output: String?

    func run() throws {
      let store = try RunStore.openExisting(path: database.resolvedPath)
      var selected: [StoredRun] = []
      for prefix in runs {
        let run = try store.resolve(prefix)
        if !selected.contains(where: { $0.seq == run.seq }) { selected.append(run) }
      }
      if runs.isEmpty {
        selected = try store.runs(matching: try filter.filter(optimizers: [], defaultStatuses: []))
      }
      var text = ""
      let emit: (String) -> Void = { text += $0 + "\n" }
      switch format {
      case .jsonl: try store.exportJSONLines(selected, emit)
      case .csv: try store.exportCSV(selected, emit)
      }
      if let output {
        do {
          try text.write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
          throw InputError(
            "cannot write '\(output)': \(error.localizedDescription); pick another -o")
        }
        printError("exported \(selected.count) run\(selected.count == 1 ? "" : "s") to \(output)")
      } else {
        print(text, terminator: "")
      }
    }
  }
}
