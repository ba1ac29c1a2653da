// DashboardRoutes+Tunes: the tunes of `tracker tune` in `tracker serve`:
// /tunes lists them, /tune/NAME is the section of `tracker report --tune NAME`
// (sensitivity plot, tuned curves, the table), /api/tune/NAME what `tracker
// tune --report NAME --format json` prints. A name only ever reaches the store
// as a bound value (`SELECT ... WHERE name = ?`) and the page escaped; it never
// names a file.
import Foundation
import Hummingbird
import TrackerReports
import TrackerStore

extension DashboardRoutes {
  func registerTunes(_ router: Router<BasicRequestContext>) {
    router.get("/tunes") { request, _ in await tunesPage(request, fragment: false) }
    router.get("/fragment/tunes") { request, _ in await tunesPage(request, fragment: true) }
    router.get("/tune/:name") { request, context in
      await tunePage(request, context.parameters.get("name") ?? "", fragment: false)
    }
    router.get("/fragment/tune/:name") { request, context in
      await tunePage(request, context.parameters.get("name") ?? "", fragment: true)
    }
    router.get("/api/tune/:name") { request, context in
      await tuneJSON(request, context.parameters.get("name") ?? "")
    }
  }

  // MARK: - Input

  /// A tune name from the path, percent-decoded (Hummingbird hands over the
  /// path segment as sent). `tracker tune --name` refuses spaces, so a name
  /// with a space or a control character can't be a tune's; refusing it keeps
  /// every message one line.
  static func tuneName(_ segment: String) throws -> String {
    guard let name = segment.removingPercentEncoding, !name.isEmpty, name.count <= 200,
      !name.unicodeScalars.contains(where: {
        $0.properties.isWhitespace || $0.properties.generalCategory == .control
      })
    else {
      throw DashboardInputError("not a tune name; pick a tune from /tunes")
    }
    return name
  }

  /// Tune pages take no filters: only the script's own parameters.
  static func checkNoFilters(_ request: Request) throws {
    for (key, _) in request.uri.queryParameters where !DashboardQuery.live.contains(String(key)) {
      throw DashboardInputError("unknown query parameter '\(key)'; tune pages take none")
    }
  }

  // MARK: - Pages

  /// /tunes: every stored tune, oldest first, with what it tunes. Not cached:
  /// it is one small query, and a tune is stored before any of its runs
  /// (a tune that reuses finished runs changes no run at all).
  private func tunesPage(_ request: Request, fragment: Bool) async -> Response {
    do {
      try Self.checkNoFilters(request)
      let snapshot = await state.snapshot()
      let content = try await state.withStore { store in
        TuneList.content(
          try store.tuneNames().compactMap { name in
            try store.tuneDefinition(name: name).map { (name, $0) }
          })
      }
      if fragment { return Self.respond(.ok, content, type: Self.html, content: snapshot.content) }
      return try await framed(
        title: "tracker: tunes", fragment: "/fragment/tunes", snapshot: snapshot, content: content)
    } catch {
      return failedPage(error, title: "tracker: tunes", fragment: fragment)
    }
  }

  /// /tune/NAME: the section of `tracker report --tune NAME`, cached per
  /// state of the runs like `/`.
  private func tunePage(_ request: Request, _ segment: String, fragment: Bool) async -> Response {
    do {
      try Self.checkNoFilters(request)
      let name = try Self.tuneName(segment)
      let snapshot = await state.snapshot()
      let (rendered, content) = try await state.page("tune/" + name, snapshot: snapshot) {
        [pages] store in
        RenderedPage(body: try pages.tune(store, name: name).section(), contentType: Self.html)
      }
      if fragment { return Self.respond(.ok, rendered.body, type: Self.html, content: content) }
      return try await framed(
        title: "tracker: tune \(name)",
        fragment: "/fragment/tune/" + DashboardQuery.percentEncode(name),
        snapshot: Snapshot(generation: snapshot.generation, content: content),
        content: rendered.body)
    } catch {
      return failedPage(error, title: "tracker: tune", fragment: fragment)
    }
  }

  private func framed(title: String, fragment: String, snapshot: Snapshot, content: String)
    async throws -> Response
  {
    let page = DashboardPage(
      title: title, databasePath: state.path, fragment: fragment, query: nil, formAction: nil,
      snapshot: snapshot, running: try await state.running(snapshot), content: content, wait: wait)
    return Self.respond(.ok, page.html(), type: Self.html)
  }

  private func failedPage(_ error: any Error, title: String, fragment: Bool) -> Response {
    let (status, message) = Self.failure(error)
    if fragment { return Self.respond(status, DashboardPage.message(message), type: Self.html) }
    let page = DashboardPage(
      title: title, databasePath: state.path, fragment: nil, query: nil, formAction: nil,
      snapshot: Snapshot(generation: 0, content: ""), running: [],
      content: DashboardPage.message(message), wait: wait)
    return Self.respond(status, page.html(), type: Self.html)
  }

  // MARK: - JSON

  private func tuneJSON(_ request: Request, _ segment: String) async -> Response {
    do {
      try Self.checkNoFilters(request)
      let name = try Self.tuneName(segment)
      let (rendered, content) = try await state.page(
        "api/tune/" + name, snapshot: await state.snapshot()
      ) { [pages] store in
        RenderedPage(body: try pages.tuneJSON(store, name: name), contentType: Self.json)
      }
      return Self.respond(.ok, rendered.body, type: Self.json, content: content)
    } catch {
      return Self.jsonFailure(error)
    }
  }
}

// MARK: - The list

enum TuneList {
  /// A table of the tunes, each name linking to its page.
  static func content(_ tunes: [(name: String, definition: TuneDefinition)]) -> String {
    var out = "<h2>Tunes</h2>\n"
    guard !tunes.isEmpty else {
      return out + "<p>No tunes in this database yet; start one with 'tracker tune'.</p>\n"
    }
    out += "<p>Each optimizer's learning rate tuned on a validation split, then compared"
    out += " on test accuracy (docs/tune.md).</p>\n<table class=\"tunes\">\n<thead><tr>"
    for title in ["tune", "optimizers", "learning rates", "search seeds", "seeds", "iterations"] {
      out += "<th>\(title)</th>"
    }
    out += "</tr></thead>\n<tbody>\n"
    for (name, d) in tunes {
      let rates = d.learningRates
      let cells = [
        d.optimizers.joined(separator: ", "),
        "\(TuneReport.lr(rates.first))..\(TuneReport.lr(rates.last)) (\(rates.count))",
        TuneReport.seeds(d.searchSeeds), TuneReport.seeds(d.seeds), String(d.iterations),
      ]
      out += "<tr><td><a href=\"/tune/\(HTML.escape(DashboardQuery.percentEncode(name)))\">"
      out += HTML.escape(name) + "</a></td>"
      out += cells.map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>\n"
    }
    return out + "</tbody>\n</table>\n"
  }
}
