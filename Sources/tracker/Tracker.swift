// The `tracker` command: subcommands only; all logic lives in TrackerStore,
// TrackerEngine and TrackerReports.
import ArgumentParser
import Foundation
import TrackerEngine
import TrackerStore

@main
struct Tracker: ParsableCommand {
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "tracker",
    abstract: "Train MNIST networks with different optimizers and record every run in SQLite.",
    discussion: """
      Every run is stored in one SQLite file (default ./tracker.sqlite, or --db, or \
      $TRACKER_DB): hyperparameters, per-iteration loss, train/test accuracy every \
      --eval-interval iterations, status, timing and environment. Open it with `sqlite3`.

      First fetch the data once with scripts/fetch-mnist, then for example:
        tracker run --opt adam --seed 1
      """,
    version: version,
    subcommands: [
      Run.self, Sweep.self, Tune.self, List.self, Show.self, Compare.self, Delete.self, Plot.self,
      Report.self, Verify.self, Merge.self, Export.self, Import.self, SlurmFinish.self, TagRun.self,
      Rename.self, Serve.self,
    ]
  )

  // MARK: - Entry point

  /// Checks the subcommand before ArgumentParser parses: given a mistyped
  /// one (`tracker runn --opt adam`) it would complain about the first
  /// option instead ("Unknown option '--opt'").
  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if let message = unknownCommand(arguments) ?? unknownOptimizer(arguments) {
      FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
      Foundation.exit(ExitCode.validationFailure.rawValue)
    }
    main(arguments)
  }

  /// `OptimizerName.unknown` for a mistyped `run --opt` or `sweep --opt`
  /// value, so the message is the one list and compare give, on one line
  /// (ArgumentParser would wrap it and add the usage).
  static func unknownOptimizer(_ arguments: [String]) -> String? {
    guard let first = arguments.first, first == "run" || first == "sweep" else { return nil }
    var values: [String] = []
    for (index, argument) in arguments.enumerated() {
      if argument == "--" { break }
      if argument == "--opt", index + 1 < arguments.count { values.append(arguments[index + 1]) }
      if argument.hasPrefix("--opt=") { values.append(String(argument.dropFirst(6))) }
    }
    let names = values.flatMap { $0.split(separator: ",") }.map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    return names.first { !$0.isEmpty && OptimizerKind(rawValue: $0) == nil }.map(
      OptimizerName.unknown)
  }

  /// "unknown command 'runn'; did you mean 'run'? ..." when the first
  /// argument is neither an option nor a subcommand; nil otherwise.
  static func unknownCommand(_ arguments: [String]) -> String? {
    guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
    let names = configuration.subcommands.map { $0._commandName }
    guard !names.contains(first), first != "help" else { return nil }
    // Hidden commands (slurm-finish, run by Slurm jobs) are neither suggested nor listed.
    let shown = configuration.subcommands.filter { $0.configuration.shouldDisplay }.map {
      $0._commandName
    }
    let guess = Suggestion.closest(to: first.lowercased(), among: shown)
    return "unknown command '\(first)';"
      + (guess.map { " did you mean '\($0)'?" } ?? "")
      + " commands: \(shown.joined(separator: ", ")) (see 'tracker --help')"
  }
}
