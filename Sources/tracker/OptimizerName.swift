// OptimizerName: the one message for a mistyped optimizer name, whether it
// comes from `run --opt`, `sweep --opt` or the names given to list, compare,
// plot and report.
import ArgumentParser
import TrackerEngine
import TrackerStore

enum OptimizerName {
  static let choices = OptimizerKind.allCases.map(\.rawValue)

  /// "unknown optimizer 'adma'; did you mean 'adam'? (sgd, momentum, ...)".
  static func unknown(_ name: String) -> String {
    let guess = Suggestion.closest(to: name.lowercased(), among: choices)
    return "unknown optimizer '\(name)';"
      + (guess.map { " did you mean '\($0)'?" } ?? " choose one of")
      + " (\(choices.joined(separator: ", ")))"
  }

  /// The optimizer called `name`.
  ///
  /// - Throws: `ValidationError` with `unknown(name)`.
  static func parse(_ name: String) throws -> OptimizerKind {
    guard let kind = OptimizerKind(rawValue: name) else { throw ValidationError(unknown(name)) }
    return kind
  }

  /// Checks that every name in `names` is an optimizer, once the command
  /// runs (list, compare, plot, report).
  ///
  /// - Throws: `InputError` with `unknown(name)`: one line, no usage.
  static func check(_ names: [String]) throws {
    for name in names where OptimizerKind(rawValue: name) == nil {
      throw InputError(unknown(name))
    }
  }
}
