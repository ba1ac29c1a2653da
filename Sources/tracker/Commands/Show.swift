// `tracker show RUN`: one run in full: hyperparameters, summary, environment,
// and its test accuracy curve as one line of text.
import ArgumentParser
import Foundation
import TrackerReports
import TrackerStore

extension Tracker {
  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show one run: hyperparameters, summary, environment and accuracy curve.",
      discussion: """
        RUN is a run name, or a run id or any unique prefix of one, as 'tracker list' shows.

        Examples:
          tracker show 3f2a9c1e
          tracker show 3f2a --format json
        """)

    enum DetailFormat: String, CaseIterable, ExpressibleByArgument { case text, json }

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("The run: its id or a unique prefix.", valueName: "run"))
    var runID: String

    @Option(help: "Output format.")
    var format: DetailFormat = .text

    func run() throws {
      let store = try RunStore.openExisting(path: database.resolvedPath)
      print(try report(store), terminator: "")
    }

    func report(_ store: RunStore) throws -> String {
      let details = try store.details(of: store.resolve(run: runID))
      switch format {
      case .text: return RunDetailsReport(details: details).text()
      case .json: return RunDetailsReport(details: details).json()
      }
    }
  }
}
