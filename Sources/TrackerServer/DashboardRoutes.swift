// DashboardRoutes: the URLs of `tracker serve` and what each answers. Pages
// and JSON are rendered by the CLI's commands (DashboardPages) and the
// report's renderers, cached per state of the runs (DashboardState).
import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import TrackerReports
import TrackerStore

struct DashboardRoutes: Sendable {
  let state: DashboardState
  let pages: any DashboardPages
  /// Seconds a status request waits for a change, at most.
  let wait: Int
  /// Status requests waiting now (pages open), for /api/status.
  let watchers = NIOLockedValueBox(0)

  static let html = "text/html; charset=utf-8"
  static let json = "application/json; charset=utf-8"

  func register(_ router: Router<BasicRequestContext>) {
    router.get("/") { request, _ in
      await page(
        request, title: "tracker: comparison", action: "/", fragment: "/fragment/comparison")
    }
    router.get("/fragment/comparison") { request, _ in await fragment(request, list: false) }
    router.get("/runs") { request, _ in
      await page(request, title: "tracker: runs", action: "/runs", fragment: "/fragment/runs")
    }
    router.get("/fragment/runs") { request, _ in await fragment(request, list: true) }
    router.get("/runs/:id") { _, context in await runPage(context.parameters.get("id") ?? "") }
    router.get("/api") { _, _ in
      Self.respond(.ok, DashboardAPI.description, type: "text/plain; charset=utf-8")
    }
    router.get("/api/compare") { request, _ in
      await api(request, key: "api/compare", allowed: DashboardQuery.compareAPI) {
        try pages.compareJSON($0, arguments: $1)
      }
    }
    router.get("/api/runs") { request, _ in
      await api(request, key: "api/runs", allowed: DashboardQuery.runList) {
        try pages.listJSON($0, arguments: $1)
      }
    }
    router.get("/api/runs/:id") { _, context in await runJSON(context.parameters.get("id") ?? "") }
    router.get("/api/status") { request, _ in await status(request) }
    registerTunes(router)
  }

  // MARK: - Pages

  /// Renders `/` (the report's comparison) or `/runs` (the report's runs)
  /// for `query`, cached by the state of the runs.
  private func render(_ query: DashboardQuery, list: Bool, snapshot: Snapshot) async throws
    -> (page: RenderedPage, content: String)
  {
    let arguments = query.arguments
    let key = (list ? "runs" : "comparison") + query.queryString
    return try await state.page(key, snapshot: snapshot) { [pages] store in
      do {
        let body =
          list
          ? try pages.runList(store, arguments: arguments).runsSection()
          : try pages.comparison(store, arguments: arguments).comparisonSection()
        return RenderedPage(body: body, contentType: Self.html)
      } catch let error as StoreError {
        // Nothing selected: the page says so and keeps following the database.
        return RenderedPage(body: DashboardPage.message(error.description), contentType: Self.html)
      }
    }
  }

  private func page(_ request: Request, title: String, action: String, fragment: String) async
    -> Response
  {
    let list = action == "/runs"
    do {
      let query = try DashboardQuery(
        request, allowed: list ? DashboardQuery.runList : DashboardQuery.comparison)
      let snapshot = await state.snapshot()
      let (rendered, content) = try await render(query, list: list, snapshot: snapshot)
      let running = try await state.running(snapshot)
      let page = DashboardPage(
        title: title, databasePath: state.path, fragment: fragment + query.queryString,
        query: query, formAction: action,
        snapshot: Snapshot(generation: snapshot.generation, content: content),
        running: running, content: rendered.body, wait: wait)
      return Self.respond(.ok, page.html(), type: Self.html)
    } catch {
      let (status, message) = Self.failure(error)
      let page = DashboardPage(
        title: title, databasePath: state.path, fragment: nil, query: nil, formAction: nil,
        snapshot: Snapshot(generation: 0, content: ""), running: [],
        content: DashboardPage.message(message), wait: wait)
      return Self.respond(status, page.html(), type: Self.html)
    }
  }

  private func fragment(_ request: Request, list: Bool) async -> Response {
    do {
      let query = try DashboardQuery(
        request, allowed: list ? DashboardQuery.runList : DashboardQuery.comparison)
      let (rendered, content) = try await render(
        query, list: list, snapshot: await state.snapshot())
      return Self.respond(.ok, rendered.body, type: Self.html, content: content)
    } catch {
      let (status, message) = Self.failure(error)
      return Self.respond(status, DashboardPage.message(message), type: Self.html)
    }
  }

  /// A run id or prefix as `tracker show` takes it: lower-case hex and dashes.
  /// Anything else (`..`, `/`, `%`) is refused before it reaches the store.
  static func runID(_ text: String) throws -> String {
    guard !text.isEmpty, text.count <= 36, text.allSatisfy({ $0.isHexDigit || $0 == "-" })
    else {
      throw DashboardInputError("'\(text)' is not a run id; give an id or a prefix from /runs")
    }
    return text.lowercased()
  }

  private func runPage(_ id: String) async -> Response {
    do {
      let prefix = try Self.runID(id)
      let snapshot = await state.snapshot()
      let content = try await state.withStore { store in
        let details = try store.details(of: store.resolve(prefix))
        var curves: [CurveMetric: [CurvePoint]] = [:]
        for metric in CurveMetric.allCases {
          curves[metric] = try store.curve(metric, of: details.run)
        }
        return RunPage.content(details, curves: curves)
      }
      let running = try await state.running(snapshot)
      let page = DashboardPage(
        title: "tracker: run \(prefix)", databasePath: state.path, fragment: nil, query: nil,
        formAction: nil, snapshot: snapshot, running: running, content: content,
        wait: wait)
      return Self.respond(.ok, page.html(), type: Self.html)
    } catch {
      let (status, message) = Self.failure(error)
      let page = DashboardPage(
        title: "tracker: run", databasePath: state.path, fragment: nil, query: nil,
        formAction: nil, snapshot: Snapshot(generation: 0, content: ""), running: [],
        content: DashboardPage.message(message), wait: wait)
      return Self.respond(status, page.html(), type: Self.html)
    }
  }

  // MARK: - JSON

  private func api(
    _ request: Request, key: String, allowed: [String],
    _ render: @escaping @Sendable (RunStore, [String]) throws -> String
  ) async -> Response {
    do {
      let query = try DashboardQuery(request, allowed: allowed)
      let arguments = query.arguments
      let (rendered, content) = try await state.page(
        key + query.queryString, snapshot: await state.snapshot()
      ) { store in
        RenderedPage(body: try render(store, arguments), contentType: Self.json)
      }
      return Self.respond(.ok, rendered.body, type: Self.json, content: content)
    } catch {
      return Self.jsonFailure(error)
    }
  }

  private func runJSON(_ id: String) async -> Response {
    do {
      let prefix = try Self.runID(id)
      let json = try await state.withStore { store in
        RunDetailsReport(details: try store.details(of: store.resolve(prefix))).json()
      }
      return Self.respond(.ok, json, type: Self.json)
    } catch {
      return Self.jsonFailure(error)
    }
  }

  /// The running runs and the database's state; with `since`, waits (up to
  /// `wait` seconds, at most the server's) until the generation passes it.
  private func status(_ request: Request) async -> Response {
    let parameters = request.uri.queryParameters
    let since = parameters["since"].flatMap { Int($0) } ?? -1
    let seconds = min(parameters["wait"].flatMap { Int($0) } ?? 0, wait)
    let deadline = ContinuousClock.now + .seconds(max(seconds, 0))
    var snapshot = await state.snapshot()
    if snapshot.generation <= since {
      watchers.withLockedValue { $0 += 1 }
      while snapshot.generation <= since && ContinuousClock.now < deadline {
        try? await Task.sleep(for: .milliseconds(200))
        snapshot = await state.snapshot()
      }
      watchers.withLockedValue { $0 -= 1 }
    }
    do {
      let running = try await state.running(snapshot)
      let status = DashboardAPI.Status(
        generation: snapshot.generation, content: snapshot.content,
        watchers: watchers.withLockedValue { $0 }, running: running.map(DashboardAPI.Progress.init))
      return Self.respond(.ok, try DashboardAPI.encode(status), type: Self.json)
    } catch {
      return Self.jsonFailure(error)
    }
  }

  // MARK: - Responses

  // HTTPFields.Element is HTTPTypes' HTTPField, which Hummingbird doesn't re-export.
  static let noSniff = HTTPFields.Element.Name("X-Content-Type-Options")!
  /// The content (Snapshot.content) a response was rendered for.
  static let contentHeader = HTTPFields.Element.Name("X-Tracker-Content")!

  static func respond(
    _ status: HTTPResponse.Status, _ body: String, type: String, content: String? = nil
  ) -> Response {
    var headers: HTTPFields = [
      .contentType: type, .cacheControl: "no-store",
      Self.noSniff: "nosniff",
    ]
    if let content { headers[Self.contentHeader] = content }
    return Response(
      status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
  }

  /// The status and one-line message for a failed request: bad input 400,
  /// nothing there 404, a database that stayed locked 503.
  static func failure(_ error: any Error) -> (HTTPResponse.Status, String) {
    switch error {
    case let error as DashboardInputError: return (.badRequest, error.message)
    case let error as StoreError: return (.notFound, error.description)
    case let error as SQLiteError where error.isBusy:
      return (.serviceUnavailable, "the database is busy (\(error)); try again")
    default: return (.internalServerError, "\(error)")
    }
  }

  static func jsonFailure(_ error: any Error) -> Response {
    let (status, message) = failure(error)
    let body = (try? DashboardAPI.encode(["error": message])) ?? "{}"
    return respond(status, body, type: json)
  }
}
