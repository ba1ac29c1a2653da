// DashboardAPI: the JSON side of `tracker serve`: the status the pages poll,
// and the description served at /api (docs/api.md says the same at length).
import Foundation
import TrackerStore

enum DashboardAPI {
  /// /api/status.
  struct Status: Encodable {
    var generation: Int
    var content: String
    var watchers: Int
    var running: [Progress]
  }

  /// One running run in /api/status.
  struct Progress: Encodable {
    var id: String
    var name: String?
    var optimizer: String
    var startedAt: String
    var iteration: Int
    var iterations: Int
    var abandoned: String?

    init(_ run: RunProgress) {
      id = run.id
      name = run.name
      optimizer = run.optimizer
      startedAt = run.startedAt
      iteration = run.iteration
      iterations = run.iterations
      abandoned = run.abandoned
    }

    enum CodingKeys: String, CodingKey {
      case id, name, optimizer, iteration, iterations, abandoned
      case startedAt = "started_at"
    }
  }

  static func encode(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
  }

  static let description = """
    tracker serve: JSON API (read-only; see docs/api.md)

    GET /api/compare?opt=sgd,adam&where=lr=0.1&tag=sweep=lr&status=completed&margin=0.05
        what `tracker compare ... --format json` prints
    GET /api/runs?opt=adam&where=...&tag=...&status=...&limit=20
        what `tracker list ... --format json` prints
    GET /api/runs/ID
        what `tracker show ID --format json` prints (ID: an id or unique prefix)
    GET /api/tune/NAME
        what `tracker tune --report NAME --format json` prints
    GET /api/status?since=GENERATION&wait=SECONDS
        {"generation", "content", "watchers", "running": [{"id", "name", "optimizer",
        "started_at", "iteration", "iterations", "abandoned"}]}; with since, answers
        when the generation passes it or after wait seconds

    Errors: {"error": "one line"} with 400 (bad parameter), 404 (nothing selected,
    no such run or tune), 503 (database busy). where, tag and status may be repeated.
    """
}
