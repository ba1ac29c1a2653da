// RunStore: the tracker database and starting runs; opening it is in
// RunStore+Open.swift, RunRecorder (its own file) writes a run's metrics.
import Foundation

/// The tracker database: runs, their tags and metrics. One per command.
public final class RunStore {
  public let database: Database
  /// Prepared statements by SQL, shared by every recorder of this store: a
  /// benchmark begins thousands of runs, and compiling each INSERT per run
  /// would cost more than executing it.
  private var statements: [String: Statement] = [:]
  /// Lines for stderr about what opening found but could not record
  /// (`UnrecordedAbandonedRuns`); readers print them.
  public internal(set) var notes: [String] = []

  init(database: Database) {
    self.database = database
  }

  // MARK: - Runs

  static let insertTag = "INSERT INTO run_tags (run_seq, key, value) VALUES (?, ?, ?)"

  /// Records `run` with status `running`, and its tags, in one transaction,
  /// and returns the recorder for its metrics.
  ///
  /// - Throws: `StoreError` for a malformed id or a repeated tag key;
  ///   `SQLiteError` 2067 (UNIQUE) when a run with this id already exists.
  public func begin(_ run: NewRun) throws -> RunRecorder {
    guard NewRun.isValidID(run.id) else {
      throw StoreError(
        "run id '\(run.id)' is not a lower-case UUID; use UUID().uuidString.lowercased()")
    }
    precondition(run.settings.datasetHash != nil, "a run begins with its data loaded")
    var keys = Set<String>()
    for tag in run.tags where !keys.insert(tag.key).inserted {
      throw StoreError("tag '\(tag.key)' is given twice; give each tag key once")
    }
    let columns: [(name: String, value: SQLValue)] =
      [
        ("id", .text(run.id)), ("name", .nullable(run.name)),
        ("status", .text(RunStatus.running.rawValue)),
      ]
      + run.settings.columns
      + [
        ("started_at", .text(Timestamp.string(from: run.startedAt))),
        ("tracker_version", .text(run.trackerVersion)), ("host", .text(run.host)),
        ("pid", .integer(Int64(run.pid))), ("command", .text(run.command)),
        ("baseline", .nullable(run.baseline)),
      ]
    // The same text every time, so `statement` compiles it once per store.
    let insertRun =
      "INSERT INTO runs (\(columns.map(\.name).joined(separator: ", ")))"
      + " VALUES (\(placeholders(columns.count)))"
    let values = columns.map(\.value)
    // A long write of another process (a big delete, a migration) must not
    // fail a run before it starts: wait for the lock for up to a minute.
    let seq = try database.writeRetryingBusy(attempts: Database.patientAttempts) {
      try statement(insertRun).execute(values)
      let seq = database.lastInsertRowID
      let insertTag = try statement(Self.insertTag)
      for tag in run.tags {
        try insertTag.execute([.integer(seq), .text(tag.key), .text(tag.value)])
      }
      return seq
    }
    return RunRecorder(store: self, runID: run.id, seq: seq, startedAt: run.startedAt)
  }

  /// The cached prepared statement for `sql`, compiled on first use.
  func statement(_ sql: String) throws -> Statement {
    if let cached = statements[sql] { return cached }
    let statement = try database.prepare(sql)
    statements[sql] = statement
    return statement
  }
}

@available(*, unavailable)
extension RunStore: Sendable {}

// MARK: - Tags

extension RunStore {
  /// Gives `run` each of `tags` whose key it lacks, in one transaction; keys it
  /// already has keep their value. How `sweep` labels a run it skips.
  public func addTags(_ tags: [(key: String, value: String)], to run: StoredRun) throws {
    guard !tags.isEmpty else { return }
    try database.write {
      let insert = try statement(
        "INSERT OR IGNORE INTO run_tags (run_seq, key, value) VALUES (?, ?, ?)")
      for tag in tags {
        try insert.execute([.integer(run.seq), .text(tag.key), .text(tag.value)])
      }
    }
  }
}
