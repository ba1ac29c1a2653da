// DashboardPages: what `tracker serve` shows, fetched the way the CLI fetches
// it. The CLI implements this protocol with its own commands (report, list,
// compare, tune), so the dashboard selects runs exactly as they do; this module
// only serves the results over HTTP and never selects runs itself.
import TrackerReports
import TrackerStore

public protocol DashboardPages: Sendable {
  /// The report `tracker report ARGUMENTS` writes, for `/`: its comparison
  /// section is shown.
  func comparison(_ store: RunStore, arguments: [String]) throws -> HTMLReport
  /// A report of the runs `tracker list ARGUMENTS` lists, for `/runs`: its
  /// runs section is shown.
  func runList(_ store: RunStore, arguments: [String]) throws -> HTMLReport
  /// What `tracker compare ARGUMENTS --format json` prints.
  func compareJSON(_ store: RunStore, arguments: [String]) throws -> String
  /// What `tracker list ARGUMENTS --format json` prints.
  func listJSON(_ store: RunStore, arguments: [String]) throws -> String
  /// The page `tracker report --tune NAME` writes, for `/tune/NAME`: its
  /// section is shown.
  func tune(_ store: RunStore, name: String) throws -> TuneHTMLReport
  /// What `tracker tune --report NAME --format json` prints.
  func tuneJSON(_ store: RunStore, name: String) throws -> String
}

/// A request the dashboard can't answer as asked: a malformed query
/// parameter or run id. Shown as a 400 with `message`.
public struct DashboardInputError: Error, CustomStringConvertible {
  public let message: String

  public init(_ message: String) {
    self.message = message
  }

  public var description: String { message }
}
