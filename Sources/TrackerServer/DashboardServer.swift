// DashboardServer: `tracker serve`, an HTTP server (Hummingbird) that shows
// the database read-only: the comparison, the runs, one run, and the same
// data as JSON, updating while runs train. Stops cleanly on SIGINT/SIGTERM
// (Hummingbird's service group drains open requests).
import Foundation
import Hummingbird
import Logging
import NIOCore
import TrackerStore

public struct DashboardServer: Sendable {
  public var databasePath: String
  public var host: String
  public var port: Int
  public var pages: any DashboardPages
  /// Seconds a page's status request may wait for a change.
  public var wait: Int

  public init(
    databasePath: String, host: String, port: Int, pages: any DashboardPages, wait: Int = 25
  ) {
    self.databasePath = databasePath
    self.host = host
    self.port = port
    self.pages = pages
    self.wait = wait
  }

  /// Whether `host` only accepts connections from this machine.
  public static func isLoopback(_ host: String) -> Bool {
    host == "localhost" || host == "::1" || host.hasPrefix("127.")
  }

  /// Opens the database (a bad --db fails here, before listening), then
  /// serves until SIGINT or SIGTERM. `listening` gets the URL once bound
  /// (with the real port when `port` is 0).
  ///
  /// - Throws: `StoreError` for a database it can't open; `ServeError` when
  ///   the address can't be bound.
  public func run(listening: @escaping @Sendable (String) -> Void) async throws {
    let state = try DashboardState(path: databasePath)
    let router = Router()
    DashboardRoutes(state: state, pages: pages, wait: wait).register(router)
    var logger = Logger(label: "tracker-serve")
    logger.logLevel = .critical
    let host = host
    let app = Application(
      router: router,
      configuration: .init(address: .hostname(host, port: port), serverName: nil),
      onServerRunning: { channel in
        let port = channel.localAddress?.port ?? 0
        let shown = host.contains(":") ? "[\(host)]" : host
        listening("http://\(shown):\(port)")
      },
      logger: logger)
    do {
      try await app.runService()
    } catch let error as IOError where error.errnoCode == EADDRINUSE {
      throw ServeError("port \(port) is in use; pass --port N")
    } catch let error as IOError {
      throw ServeError("cannot listen on \(host):\(port): \(error); check --host and --port")
    }
  }
}

/// Why the server could not start, in one line.
public struct ServeError: Error, CustomStringConvertible {
  public let description: String

  init(_ description: String) {
    self.description = description
  }
}
