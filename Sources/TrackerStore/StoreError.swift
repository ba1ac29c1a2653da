// StoreError: the store's one error type for problems a user can fix (a bad
// path, a damaged file, an unknown run, a malformed --where). SQLite's own
// failures stay `SQLiteError`.
//
// Error shapes across tracker, for reference: the CLI throws `ValidationError`
// for bad options found while parsing (usage is printed), its `InputError` for
// bad input found later (one line, no usage), and passes `StoreError` and the
// engine's `ConfigError`/`DataError` through as one line, "Error: <description>".

/// An error for a caller to show as is: one line naming the problem and its fix.
public struct StoreError: Error, CustomStringConvertible, Sendable {
  public let description: String

  public init(_ description: String) {
    self.description = description
  }
}
