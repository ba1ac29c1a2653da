// `tracker show RUN`: one run in full: hyperparameters, summary, environment,
// and its test accuracy curve as one line of text. `tracker show A B`: two
// runs side by side, the settings that differ and both summaries.
import ArgumentParser
import Foundation
import TrackerReports
import TrackerStore

extension Tracker {
  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show one run in full, or two side by side.",
      discussion: """
        RUN is a run name, or a run id or any unique prefix of one, as 'tracker list' shows. \
        One run: hyperparameters, summary, environment and accuracy curve. Two runs: the \
        settings that differ between them and both summaries side by side; the settings \
        they share on one line.

        Examples:
          tracker show 3f2a9c1e
          tracker show 3f2a --format json
          tracker show 3f2a adam-fast
        """)

    enum DetailFormat: String, CaseIterable, ExpressibleByArgument { case text, json }

    @OptionGroup var database: DatabaseOptions

    @Argument(
      help: ArgumentHelp(
        "The run, or two runs to compare: a name, an id or a unique id prefix.", valueName: "run"))
    var runIDs: [String] = []

    @Option(help: "Output format.")
    var format: DetailFormat = .text

    func validate() throws {
      guard (1...2).contains(runIDs.count) else {
        throw ValidationError(
          "give one run to show, or two to compare (see 'tracker list'); got \(runIDs.count)")
      }
    }

    func run() throws {
      let store = try RunStore.openExisting(path: database.resolvedPath)
      print(try report(store), terminator: "")
    }

    func report(_ store: RunStore) throws -> String {
      if runIDs.count == 2 {
        let report = RunDiffReport(
          try store.resolve(run: runIDs[0]), try store.resolve(run: runIDs[1]))
        return format == .json ? report.json() : report.text()
      }
      let details = try store.details(of: store.resolve(run: runIDs[0]))
      switch format {
      case .text: return RunDetailsReport(details: details).text()
      case .json: return RunDetailsReport(details: details).json()
      }
    }
  }
}
