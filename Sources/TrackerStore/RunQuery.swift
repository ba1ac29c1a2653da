// RunQuery: reading runs back for list, compare and show (filters, newest
// first, id prefixes). Deleting is in RunStore+Delete.swift.
import Foundation

extension RunStore {
  // MARK: - Selecting runs

  /// The columns `StoredRun.init(row:)` reads, in order.
  static let runColumns =
    """
    r.seq, r.id, r.name, r.status, r.optimizer, r.started_at, r.ended_at, r.duration_s,
    r.baseline, r.learning_margin, r.learning_start, r.final_test_acc, r.best_test_acc,
    r.final_loss, r.final_val_acc,
    """ + HyperParameter.allCases.map { "r.\($0.rawValue)" }.joined(separator: ", ")
    + ", r.config_key, r.dataset_hash, r.source"

  /// The runs `filter` selects: in `order` when given, else newest first (by
  /// start time) with `newestFirst`, else in the order they were recorded;
  /// at most `limit` when given.
  ///
  /// `compare` reads every selected run this way: one row each from `runs`
  /// with its stored summary, never the metric tables.
  public func runs(
    matching filter: RunFilter, newestFirst: Bool = false, limit: Int? = nil,
    includeTags: Bool = false, order: RunOrder? = nil
  ) throws -> [StoredRun] {
    let (clause, values) = filter.sql()
    var sql = "SELECT \(Self.runColumns) FROM runs AS r"
    sql += clause
    if let order {
      sql += " ORDER BY " + order.sql
    } else {
      sql += newestFirst ? " ORDER BY r.started_at DESC, r.seq DESC" : " ORDER BY r.seq"
    }
    if let limit { sql += " LIMIT \(max(0, limit))" }
    return try selectRuns(sql, values, includeTags: includeTags)
  }

  /// The runs `sql` (which selects `runColumns` from `runs AS r`) returns.
  func runs(sql: String, _ values: [SQLValue]) throws -> [StoredRun] {
    try selectRuns(sql, values, includeTags: false)
  }

  private func selectRuns(_ sql: String, _ values: [SQLValue], includeTags: Bool) throws
    -> [StoredRun]
  {
    var runs: [StoredRun] = []
    let parameterCount = HyperParameter.allCases.count
    try statement(sql).forEachRow(values) { row in
      let summary = RunSummary(
        baseline: row.optionalDouble(8), margin: row.optionalDouble(9),
        learningStart: row.optionalInt64(10).map { Int($0) },
        finalTestAccuracy: row.optionalDouble(11), bestTestAccuracy: row.optionalDouble(12),
        finalLoss: row.optionalDouble(13), finalValidationAccuracy: row.optionalDouble(14))
      runs.append(
        StoredRun(
          seq: row.int64(0), id: row.text(1), name: row.optionalText(2),
          status: Self.status(row.text(3)),
          optimizer: row.text(4),
          parameters: (0..<parameterCount).map { row.value(15 + $0) },
          startedAt: row.text(5), endedAt: row.optionalText(6),
          durationSeconds: row.optionalDouble(7), summary: summary,
          configKey: row.text(15 + parameterCount), datasetHash: row.text(16 + parameterCount)))
      runs[runs.count - 1].source = row.optionalText(17 + parameterCount)
    }
    if includeTags {
      // One indexed lookup per run: tags are only asked for short lists.
      let select = try statement("SELECT key, value FROM run_tags WHERE run_seq = ? ORDER BY key")
      for index in runs.indices {
        try select.forEachRow([.integer(runs[index].seq)]) {
          runs[index].tags.append(($0.text(0), $0.text(1)))
        }
      }
    }
    return runs
  }

  /// A `status` value as read: the column's CHECK (migration 0001) allows only
  /// `RunStatus` values, so anything else is a damaged file.
  static func status(_ text: String) -> RunStatus {
    guard let status = RunStatus(rawValue: text) else {
      preconditionFailure(
        "runs.status '\(text)' is not a RunStatus; the CHECK constraint allows none other")
    }
    return status
  }

  /// How many runs `filter` selects.
  public func count(matching filter: RunFilter) throws -> Int {
    let (clause, values) = filter.sql()
    var count = 0
    try statement("SELECT count(*) FROM runs AS r" + clause).forEachRow(values) {
      count = Int($0.int64(0))
    }
    return count
  }

  /// Each optimizer with runs `filter` selects, and how many, by name.
  public func optimizerCounts(matching filter: RunFilter) throws -> [(
    optimizer: String, runs: Int
  )] {
    let (clause, values) = filter.sql()
    var counts: [(optimizer: String, runs: Int)] = []
    let sql = "SELECT r.optimizer, count(*) FROM runs AS r\(clause) GROUP BY 1 ORDER BY 1"
    try statement(sql).forEachRow(values) { counts.append(($0.text(0), Int($0.int64(1)))) }
    return counts
  }

  // MARK: - One run

  /// The run with exactly this id, or nil: how `sweep` reads back the run it
  /// started a child for (it chose the id).
  public func run(id: String) throws -> StoredRun? {
    let sql = "SELECT \(Self.runColumns) FROM runs AS r WHERE r.id = ?"
    return try selectRuns(sql, [.text(id)], includeTags: false).first
  }

  /// The run whose id is `prefix` or starts with it (case-insensitive).
  ///
  /// - Throws: `StoreError` when no run or several runs match; the latter
  ///   lists the candidates (short id, optimizer, seed).
  public func resolve(_ prefix: String) throws -> StoredRun {
    let key = prefix.trimmingCharacters(in: .whitespaces).lowercased()
    guard !key.isEmpty else {
      throw StoreError("give a run id or a prefix of one (see 'tracker list')")
    }
    // LIKE treats % and _ as wildcards: escape them (and the escape itself) so
    // the prefix matches only literally.
    let pattern =
      key.replacingOccurrences(of: "\\", with: "\\\\")
      .replacingOccurrences(of: "%", with: "\\%")
      .replacingOccurrences(of: "_", with: "\\_") + "%"
    let sql =
      "SELECT \(Self.runColumns) FROM runs AS r"
      + " WHERE r.id LIKE ? ESCAPE '\\' ORDER BY r.started_at, r.seq"
    let matches = try selectRuns(sql, [.text(pattern)], includeTags: true)
    guard let first = matches.first else {
      throw StoreError("no run matches '\(prefix)' in \(database.path) (see 'tracker list')")
    }
    guard matches.count > 1 else { return first }
    // Show each candidate by enough of its id to tell it from the others,
    // and by the settings that differ among them: two adam seed-3 runs are
    // told apart by their lr, not by "adam seed 3" twice.
    let width = max(8, Self.commonPrefixLength(matches.map(\.id)) + 1)
    let differing = RunComparison.distinguishing(matches)
    let shown = matches.prefix(10).map { run in
      [
        String(run.id.prefix(width)), run.optimizer, "seed \(run.seed)",
        RunComparison.settings(run, differing), run.name.map { "'\($0)'" } ?? "",
      ].filter { !$0.isEmpty }.joined(separator: " ")
    }
    let more = matches.count > 10 ? ", and \(matches.count - 10) more" : ""
    throw StoreError(
      "'\(prefix)' matches \(matches.count) runs in \(database.path): "
        + shown.joined(separator: ", ") + more + "; give more characters of the id")
  }

  static func commonPrefixLength(_ ids: [String]) -> Int {
    guard let first = ids.first.map(Array.init) else { return 0 }
    var length = first.count
    for id in ids.dropFirst() {
      let other = Array(id)
      var common = 0
      while common < min(length, other.count), other[common] == first[common] { common += 1 }
      length = common
    }
    return length
  }

  /// Environment, evaluations and loss counts of `run`, for `show`.
  public func details(of run: StoredRun) throws -> RunDetails {
    try database.read {
      var details = RunDetails(
        run: run, datasetHash: "", trackerVersion: "", host: "", pid: nil, command: "",
        error: nil, divergedAt: nil, evaluations: [], lossCount: 0, nonFiniteLossCount: 0)
      let sql = """
        SELECT dataset_hash, tracker_version, host, pid, command, error, diverged_at
        FROM runs WHERE seq = ?
        """
      try statement(sql).forEachRow([.integer(run.seq)]) { row in
        details.datasetHash = row.text(0)
        details.trackerVersion = row.text(1)
        details.host = row.text(2)
        details.pid = row.optionalInt64(3)
        details.command = row.text(4)
        details.error = row.optionalText(5)
        details.divergedAt = row.optionalInt64(6)
      }
      let evaluations =
        "SELECT iter, train_acc, test_acc FROM evals WHERE run_seq = ? ORDER BY iter"
      try statement(evaluations).forEachRow([.integer(run.seq)]) { row in
        details.evaluations.append((Int(row.int64(0)), row.double(1), row.double(2)))
      }
      let losses = "SELECT count(*), count(*) - count(loss) FROM losses WHERE run_seq = ?"
      try statement(losses).forEachRow([.integer(run.seq)]) { row in
        details.lossCount = Int(row.int64(0))
        details.nonFiniteLossCount = Int(row.int64(1))
      }
      return details
    }
  }
}
