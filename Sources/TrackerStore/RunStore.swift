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

  static let insertRun = """
    INSERT INTO runs (
      id, name, status, optimizer, seed, lr, iters, batch_size, eval_interval,
      momentum, adagrad_theta, decay_rate, beta1, beta2, hidden, activation,
      weight_init, batchnorm, dataset, dataset_hash, started_at, tracker_version,
      host, pid, command, baseline)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    """
  static let insertTag = "INSERT INTO run_tags (run_seq, key, value) VALUES (?, ?, ?)"

  /// Records `run` with status `running`, and its tags, in one transaction,
  /// and returns the recorder for its metrics.
  ///
  /// - Throws: `StoreError` for a malformed id or a repeated tag key;
  ///   `SQLiteError` 2067 (UNIQUE) when a run with this id already exists.
  public func begin(_ run: NewRun) throws -> RunRecorder {
    guard UUID(uuidString: run.id) != nil, run.id == run.id.lowercased() else {
      throw StoreError(
        "run id '\(run.id)' is not a lower-case UUID; use UUID().uuidString.lowercased()")
    }
    var keys = Set<String>()
    for tag in run.tags where !keys.insert(tag.key).inserted {
      throw StoreError("tag '\(tag.key)' is given twice; give each tag key once")
    }
    let values: [SQLValue] = [
      .text(run.id), .nullable(run.name), .text(RunStatus.running.rawValue), .text(run.optimizer),
      .integer(run.seed), .real(run.lr), .integer(Int64(run.iters)), .integer(Int64(run.batchSize)),
      .integer(Int64(run.evalInterval)), .nullable(run.momentum), .nullable(run.adagradTheta),
      .nullable(run.decayRate), .nullable(run.beta1), .nullable(run.beta2), .text(run.hidden),
      .text(run.activation), .text(run.weightInit), .integer(run.batchnorm ? 1 : 0),
      .text(run.dataset), .text(run.datasetHash), .text(Timestamp.string(from: run.startedAt)),
      .text(run.trackerVersion), .text(run.host), .integer(Int64(run.pid)), .text(run.command),
      .nullable(run.baseline),
    ]
    // A long write of another process (a big delete, a migration) must not
    // fail a run before it starts: wait for the lock for up to a minute.
    let seq = try database.writeRetryingBusy(attempts: Database.patientAttempts) {
      try statement(Self.insertRun).execute(values)
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
