// DashboardState: the server's view of the database. SQLite connections are
// not thread-safe, and Hummingbird runs handlers concurrently on NIO event
// loops, so every query runs off the event loop on a connection of its own
// (`withStore`). One watcher connection, behind a lock, tells cheaply whether
// anything was committed since it last looked (PRAGMA data_version), so pages
// are rendered once per change of the runs and shared by every client.
import Foundation
import NIOConcurrencyHelpers
import TrackerStore

/// The database's state as the pages see it.
struct Snapshot: Sendable, Equatable {
  /// Goes up by one whenever any commit was seen (a run's flush included).
  var generation: Int
  /// Changes when a run is recorded, ends or is deleted: pages built for an
  /// older `content` are stale. Progress alone doesn't change it.
  var content: String
}

final class DashboardState: Sendable {
  let path: String
  private let watcher: NIOLockedValueBox<Watcher>
  private let cache = NIOLockedValueBox<[String: CachedPage]>([:])
  private let runningCache = NIOLockedValueBox<(generation: Int, runs: [RunProgress])?>(nil)
  /// Pages kept; query strings come from users, so the cache is bounded.
  static let cacheLimit = 64

  init(path: String) throws {
    self.path = path
    // Opened once up front, so that a bad --db fails at start-up.
    watcher = NIOLockedValueBox(Watcher(store: try RunStore.openReadOnly(path: path)))
  }

  // MARK: - Connections

  /// Runs `body` on a new read-only connection on a thread outside the event
  /// loops. Opening costs well under a millisecond; a page that needs
  /// longer is cached.
  func withStore<T: Sendable>(
    on queue: DispatchQueue = DashboardState.reads,
    _ body: @escaping @Sendable (RunStore) throws -> T
  ) async throws -> T {
    let path = path
    return try await blocking(on: queue) { try body(RunStore.openReadOnly(path: path)) }
  }

  /// Short reads: a queue of our own, not `DispatchQueue.global()`, whose
  /// threads are capped near the core count: two long renders there would
  /// hold up every request behind them. Queues created by the program may
  /// add threads when theirs block.
  static let reads = DispatchQueue(label: "tracker-serve.reads", attributes: .concurrent)
  /// Re-renderings after a change, one at a time: they can take seconds on
  /// 10,000 runs, and meanwhile the previous page is served.
  static let rebuilds = DispatchQueue(label: "tracker-serve.rebuilds")

  /// The running runs at `snapshot`, read once per generation.
  func running(_ snapshot: Snapshot) async throws -> [RunProgress] {
    if let cached = runningCache.withLockedValue({ $0 }), cached.generation == snapshot.generation {
      return cached.runs
    }
    let runs = try await withStore { try $0.runningRuns() }
    runningCache.withLockedValue { $0 = (snapshot.generation, runs) }
    return runs
  }

  /// The current snapshot: one PRAGMA when nothing changed, one small query
  /// over `runs` when something did. A locked or unreadable database keeps
  /// the last snapshot: pages keep being served.
  func snapshot() async -> Snapshot {
    (try? await blocking(on: Self.reads) { [watcher] in
      try watcher.withLockedValue { try $0.snapshot() }
    })
      ?? watcher.withLockedValue { $0.last }
  }

  // MARK: - Page cache

  /// How long a request waits for a page being rebuilt before it gets the
  /// previous one: a page of 10,000 runs takes longer than that to render,
  /// and a client is better served by the page of a moment ago.
  static let staleAfter: Duration = .milliseconds(50)

  /// The page `key` for `snapshot`: rendered now when there is none. When
  /// there is one for older content, one rebuild runs (shared by every
  /// request for `key`; not sooner after the last rendering than that
  /// rendering took, so re-rendering takes at most half the time) and a
  /// request within `staleAfter` of its start waits for it; the others get
  /// the older page. The content returned says which they got, and the
  /// page's script fetches again. A rendering that fails is not cached.
  func page(
    _ key: String, snapshot: Snapshot,
    render: @escaping @Sendable (RunStore) throws -> RenderedPage
  ) async throws -> (page: RenderedPage, content: String) {
    enum Plan {
      case fresh(CachedPage)
      case stale(CachedPage, Task<CachedPage?, Never>?)
      case render
    }
    let now = ContinuousClock.now
    let plan: Plan = cache.withLockedValue { pages in
      guard var cached = pages[key] else { return .render }
      if cached.content == snapshot.content { return .fresh(cached) }
      if let rebuild = cached.rebuild {
        return .stale(cached, now < cached.rebuildStart + Self.staleAfter ? rebuild : nil)
      }
      if now < cached.renderedAt + cached.renderTime { return .stale(cached, nil) }
      let rebuild = Task { () -> CachedPage? in
        let start = ContinuousClock.now
        guard let page = try? await withStore(on: Self.rebuilds, render) else {
          // Failed (locked, deleted under it): the next request tries again.
          self.cache.withLockedValue { $0[key]?.rebuild = nil }
          return nil
        }
        return store(key, page: page, content: snapshot.content, took: .now - start)
      }
      cached.rebuild = rebuild
      cached.rebuildStart = now
      pages[key] = cached
      return .stale(cached, rebuild)
    }
    switch plan {
    case .fresh(let cached):
      return (cached.page, cached.content)
    case .stale(let cached, let rebuild):
      guard let rebuild else { return (cached.page, cached.content) }
      let rebuilt = await Self.value(of: rebuild, within: Self.staleAfter) ?? cached
      return (rebuilt.page, rebuilt.content)
    case .render:
      let page = try await withStore(render)
      return (page, store(key, page: page, content: snapshot.content, took: .now - now).content)
    }
  }

  @discardableResult
  private func store(_ key: String, page: RenderedPage, content: String, took: Duration)
    -> CachedPage
  {
    let cached = CachedPage(
      page: page, content: content, renderedAt: .now, renderTime: took, rebuild: nil,
      rebuildStart: .now)
    cache.withLockedValue { pages in
      if pages[key] == nil && pages.count >= Self.cacheLimit {
        pages.removeValue(forKey: pages.keys.first!)
      }
      pages[key] = cached
    }
    return cached
  }

  /// `task`'s value if it finishes within `limit`, else nil (it goes on).
  private static func value<T: Sendable>(of task: Task<T?, Never>, within limit: Duration) async
    -> T?
  {
    await withCheckedContinuation { continuation in
      let resumed = NIOLockedValueBox(false)
      let resume: @Sendable (T?) -> Void = { value in
        let first = resumed.withLockedValue { done in
          defer { done = true }
          return !done
        }
        if first { continuation.resume(returning: value) }
      }
      Task { resume(await task.value) }
      Task {
        try? await Task.sleep(for: limit)
        resume(nil)
      }
    }
  }
}

/// A rendered response body and its content type.
struct RenderedPage: Sendable {
  var body: String
  var contentType: String
}

private struct CachedPage: Sendable {
  var page: RenderedPage
  var content: String
  var renderedAt: ContinuousClock.Instant
  /// How long rendering it took.
  var renderTime: Duration
  /// The rebuild for newer content while one runs, and when it started.
  var rebuild: Task<CachedPage?, Never>?
  var rebuildStart: ContinuousClock.Instant
}

/// The watcher connection and what it last saw. Used only under its lock.
private struct Watcher: @unchecked Sendable {
  let store: RunStore
  var dataVersion: Int64 = -1
  var last = Snapshot(generation: 0, content: "")

  /// "The integer values returned by two invocations of "PRAGMA
  /// data_version" from the same connection will be different if changes
  /// were committed to the database by any other connection in the interim"
  /// (https://sqlite.org/pragma.html#pragma_data_version).
  mutating func snapshot() throws -> Snapshot {
    let version = try store.dataVersion()
    guard version != dataVersion else { return last }
    let content = try store.contentFingerprint()
    dataVersion = version
    last = Snapshot(generation: last.generation + 1, content: content)
    return last
  }
}

/// Runs `body` on `queue`, so a blocking SQLite call never holds up an
/// event loop.
func blocking<T: Sendable>(on queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T)
  async throws -> T
{
  try await withCheckedThrowingContinuation { continuation in
    queue.async {
      continuation.resume(with: Result { try body() })
    }
  }
}
