// Options shared by several subcommands.
import ArgumentParser
import Foundation

struct DatabaseOptions: ParsableArguments {
  @Option(
    name: .customLong("db"),
    help: ArgumentHelp(
      "The SQLite file that holds the runs (default: $TRACKER_DB, else ./tracker.sqlite).",
      valueName: "path"))
  var path: String?

  /// --db, then $TRACKER_DB, then ./tracker.sqlite.
  var resolvedPath: String {
    if let path { return path }
    if let env = ProcessInfo.processInfo.environment["TRACKER_DB"], !env.isEmpty { return env }
    return "tracker.sqlite"
  }
}

/// Parses a "key=value" tag; the key must be non-empty.
struct Tag: ExpressibleByArgument {
  let key: String
  let value: String

  init?(argument: String) {
    guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else { return nil }
    key = String(argument[..<eq])
    value = String(argument[argument.index(after: eq)...])
  }

  static var defaultCompletionKind: CompletionKind { .default }
}
