// `tracker serve`: a live dashboard in the browser over the database, opened
// read-only. The server is TrackerServer; this file wires it to the commands
// that fetch what it shows (report, list, compare, tune), so the dashboard
// selects runs exactly as they do.
import ArgumentParser
import Foundation
import TrackerReports
import TrackerServer
import TrackerStore

extension Tracker {
  struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Serve a live dashboard of the runs in the browser (read-only).",
      discussion: """
        Pages: / (the comparison and curves of `report`, with the filters of `compare` as \
        query parameters: ?opt=sgd,adam&where=lr=0.1&tag=sweep=lr&status=completed), /runs \
        (the runs, sortable), /runs/ID (one run), /tunes and /tune/NAME (the tunes; a \
        tune's table and sensitivity plot, as in `report --tune`), /api (the same data as \
        JSON). While runs train, open pages update themselves and show a progress bar per \
        running run.

        The database is opened read-only: serve never writes or migrates it. It listens on \
        127.0.0.1 unless --host says otherwise. Ctrl-C stops it.

        Examples:
          tracker serve
          tracker serve --db sweep.sqlite --port 9000
        """)

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port: Int = 8080

    @Option(
      help: "The address to listen on. Anything but loopback exposes the runs to the network.")
    var host = "127.0.0.1"

    @Option(
      help: ArgumentHelp(
        "Seconds an open page's status request waits for a change before it is answered.",
        valueName: "seconds"))
    var liveWait = 25

    func validate() throws {
      guard (1...300).contains(liveWait) else {
        throw ValidationError("--live-wait \(liveWait) is out of range; give 1 to 300 seconds")
      }
      guard (0...65535).contains(port) else {
        throw ValidationError("--port \(port) is not a port; give 0 to 65535 (0: a free one)")
      }
    }

    func run() throws {
      if !DashboardServer.isLoopback(host) {
        printError(
          "warning: listening on \(host): anyone who can reach this machine can read the runs")
      }
      let server = DashboardServer(
        databasePath: database.resolvedPath, host: host, port: port, pages: ServePages(),
        wait: liveWait)
      // ParsableCommand's run is synchronous: run the server as a task and
      // wait for it here.
      let outcome = ServeOutcome()
      let done = DispatchSemaphore(value: 0)
      Task {
        do {
          try await server.run { url in printError("serving \(url) (Ctrl-C stops)") }
        } catch {
          outcome.error = "\(error)"
        }
        done.signal()
      }
      done.wait()
      if let message = outcome.error {
        printError("error: \(message)")
        throw ExitCode.failure
      }
    }
  }
}

/// The server task's error, handed to the waiting thread.
private final class ServeOutcome: @unchecked Sendable {
  private let lock = NSLock()
  private var message: String?

  var error: String? {
    get { lock.withLock { message } }
    set { lock.withLock { message = newValue } }
  }
}

/// The dashboard's content, fetched by the commands that print it.
struct ServePages: DashboardPages {
  func comparison(_ store: RunStore, arguments: [String]) throws -> HTMLReport {
    let report = try parse(Tracker.Report.self, arguments + ["--output", "-"])
    try check(report.filter)
    return try report.report(store)
  }

  func runList(_ store: RunStore, arguments: [String]) throws -> HTMLReport {
    let list = try parse(Tracker.List.self, arguments)
    try check(list.filter)
    let runs = try store.runs(
      matching: list.filter.filter(optimizers: list.optimizers, defaultStatuses: []),
      newestFirst: true, limit: list.limit == 0 ? nil : list.limit, includeTags: true)
    return HTMLReport(
      title: "", databasePath: store.database.path, generatedAt: Date(),
      trackerVersion: Tracker.version, runs: runs, groups: [],
      margin: LearningStart.defaultMargin, curves: [:],
      testCurves: try store.curves(.testAccuracy, of: runs))
  }

  func compareJSON(_ store: RunStore, arguments: [String]) throws -> String {
    let compare = try parse(Tracker.Compare.self, arguments + ["--format", "json"])
    try check(compare.filter)
    return try compare.report(store)
  }

  func listJSON(_ store: RunStore, arguments: [String]) throws -> String {
    let list = try parse(Tracker.List.self, arguments + ["--format", "json"])
    try check(list.filter)
    return try list.report(store).output
  }

  func tune(_ store: RunStore, name: String) throws -> TuneHTMLReport {
    // One `--name=value` token: the name can't become another option.
    let report = try parse(Tracker.Report.self, ["--tune=\(name)", "--output", "-"])
    return try report.tuneReport(name, store)
  }

  func tuneJSON(_ store: RunStore, name: String) throws -> String {
    // --jobs 1: the report runs nothing, and the default (the core count) is
    // refused above 64 cores.
    let tune = try parse(
      Tracker.Tune.self, ["--report=\(name)", "--format", "json", "--jobs", "1"])
    return try tune.report(named: name, store)
  }

  /// A malformed or unknown --where key is bad input (400), not "nothing
  /// selected" (404), though both are `StoreError`s once the store is read.
  private func check(_ filter: FilterOptions) throws {
    do {
      _ = try filter.filter(optimizers: [], defaultStatuses: [])
    } catch let error as StoreError {
      throw DashboardInputError(error.description)
    }
  }

  /// `arguments` parsed (and validated) as `Command` parses them on the
  /// command line; a mistake is bad input, in the command's own words.
  private func parse<Command: ParsableCommand>(_ type: Command.Type, _ arguments: [String]) throws
    -> Command
  {
    do {
      guard let command = try Tracker.parseAsRoot([Command._commandName] + arguments) as? Command
      else { throw DashboardInputError("cannot read the query as \(Command._commandName) options") }
      return command
    } catch let error as DashboardInputError {
      throw error
    } catch {
      throw DashboardInputError(Tracker.message(for: error))
    }
  }
}
