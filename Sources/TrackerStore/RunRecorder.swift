// RunRecorder: buffers one run's losses and evaluations and writes them in
// batched transactions while the run goes, then records how it ended.
import Foundation

/// Writes the metrics of one run begun with `RunStore.begin`.
///
/// Rows are buffered and written in one transaction per batch: one transaction
/// per row would cost a WAL commit each (thousands per run), while writing only
/// at the end would lose everything if the process is killed. A batch is
/// written when 256 rows are buffered or 1 s has passed since the last write,
/// so a killed run loses at most about a second of metrics.
public final class RunRecorder {
  public let runID: String
  /// `runs.seq`, the compact key of the metric tables.
  public let seq: Int64
  private let store: RunStore
  private let startedAt: Date

  /// Buffer limits that trigger a flush from `logLoss`/`logEvaluation`.
  public static let flushRowLimit = 256
  public static let flushInterval: Duration = .seconds(1)

  private var losses: [(iteration: Int, loss: Double?)] = []
  private var evaluations: [(iteration: Int, train: Double, test: Double)] = []
  /// Validation accuracies, each written into its evaluation's row.
  private var validations: [(iteration: Int, accuracy: Double)] = []
  private var lastFlush = ContinuousClock.now
  private var finished = false

  static let insertLoss = "INSERT INTO losses (run_seq, iter, loss) VALUES (?, ?, ?)"
  static let insertEvaluation =
    "INSERT INTO evals (run_seq, iter, train_acc, test_acc) VALUES (?, ?, ?, ?)"
  static let updateValidation = "UPDATE evals SET val_acc = ? WHERE run_seq = ? AND iter = ?"
  static let finishRun = """
    UPDATE runs SET status = ?1, ended_at = ?2, heartbeat_at = ?2, duration_s = ?3, error = ?4,
      diverged_at = ?5
    WHERE seq = ?6 AND id = ?7
    """

  init(store: RunStore, runID: String, seq: Int64, startedAt: Date) {
    self.store = store
    self.runID = runID
    self.seq = seq
    self.startedAt = startedAt
  }

  /// Best effort for a recorder dropped without `finish` (e.g. after an error
  /// the caller rethrows): keep what was logged. The run stays `running`.
  deinit {
    if !finished { try? flush() }
  }

  // MARK: - Logging

  /// Buffers the loss of `iteration` (1-based). NaN and infinities are stored
  /// as NULL: SQLite has no NaN (it would read back as NULL anyway) and an
  /// infinity would break aggregates such as AVG.
  public func logLoss(iteration: Int, loss: Double) throws {
    precondition(!finished, "logLoss after finish for run \(runID)")
    losses.append((iteration, loss.isFinite ? loss : nil))
    try flushIfDue()
  }

  /// Buffers the accuracies measured at `iteration`, as fractions in 0...1.
  public func logEvaluation(iteration: Int, trainAccuracy: Double, testAccuracy: Double) throws {
    precondition(!finished, "logEvaluation after finish for run \(runID)")
    evaluations.append((iteration, trainAccuracy, testAccuracy))
    try flushIfDue()
  }

  /// Buffers the validation accuracy measured at `iteration`, whose evaluation
  /// was logged before (`TrainingEvent.validation` follows its `.evaluation`).
  public func logValidation(iteration: Int, accuracy: Double) throws {
    precondition(!finished, "logValidation after finish for run \(runID)")
    validations.append((iteration, accuracy))
    try flushIfDue()
  }

  private func flushIfDue() throws {
    if losses.count + evaluations.count >= Self.flushRowLimit
      || ContinuousClock.now - lastFlush >= Self.flushInterval
    {
      do {
        try flush()
      } catch let error as SQLiteError
        where error.isBusy && losses.count + evaluations.count < Self.busyBacklogLimit
      {
        // Another connection held the write lock past the busy timeout: keep
        // the rows and retry at the next flush, rather than fail the run.
      }
    }
  }

  /// Rows kept while flushes find the database locked before giving up.
  static let busyBacklogLimit = 100_000

  // MARK: - Writing

  /// Writes everything buffered in one `BEGIN IMMEDIATE` transaction. On error
  /// nothing is written and the buffer is kept, so a later flush can retry.
  public func flush() throws {
    lastFlush = ContinuousClock.now
    guard !losses.isEmpty || !evaluations.isEmpty || !validations.isEmpty else { return }
    try store.database.write {
      // First, so that nothing is inserted for a run deleted meanwhile.
      guard try store.recordHeartbeat(seq: seq, id: runID, at: Date()) else {
        throw RunDeletedError(runID: runID)
      }
      try insertBuffered()
    }
    clearBuffer()
  }

  /// Inserts the buffered rows; call inside a write transaction, and clear the
  /// buffer only after it commits.
  private func insertBuffered() throws {
    if !losses.isEmpty {
      let insert = try store.statement(Self.insertLoss)
      for row in losses {
        try insert.execute([.integer(seq), .integer(Int64(row.iteration)), .nullable(row.loss)])
      }
    }
    if !evaluations.isEmpty {
      let insert = try store.statement(Self.insertEvaluation)
      for row in evaluations {
        try insert.execute([
          .integer(seq), .integer(Int64(row.iteration)), .real(row.train), .real(row.test),
        ])
      }
    }
    // After the evaluations: the row each one updates is stored by now.
    if !validations.isEmpty {
      let update = try store.statement(Self.updateValidation)
      for row in validations {
        try update.execute([.real(row.accuracy), .integer(seq), .integer(Int64(row.iteration))])
      }
    }
  }

  private func clearBuffer() {
    losses.removeAll(keepingCapacity: true)
    evaluations.removeAll(keepingCapacity: true)
    validations.removeAll(keepingCapacity: true)
  }

  /// Writes what is still buffered and records how the run ended, in one
  /// transaction. `duration_s` is `endedAt - startedAt`; `error` says why a run
  /// failed or stopped; `divergedAt` is the iteration whose loss was NaN/inf.
  /// The same transaction stores the run's `RunSummary`, computed from the
  /// metrics as stored (so it always agrees with them).
  ///
  /// If the buffered rows can't be written, the run's end is still recorded
  /// (a run left `running` would look alive forever) and `error` says how many
  /// rows were lost and why. Throws only when the end itself can't be
  /// recorded; the caller may then call `finish` again, e.g. with `.failed`.
  /// Calling it after it succeeded throws a `StoreError`; when the run was
  /// deleted meanwhile, it throws `RunDeletedError` and writes nothing.
  ///
  /// Returns the status recorded: `status`, except that a completed run whose
  /// loss blew up (`BlowUp`) is recorded `diverged`.
  @discardableResult
  public func finish(status: RunStatus, endedAt: Date, error: String? = nil, divergedAt: Int? = nil)
    throws -> RunStatus
  {
    guard !finished else {
      throw StoreError("run \(runID) is already finished; finish it only once")
    }
    var recorded = status
    do {
      try store.database.writeRetryingBusy {
        try recordEnd(status: status, endedAt: endedAt, error: error, divergedAt: divergedAt)
        try insertBuffered()
        try store.storeSummary(seq: seq)
        recorded = try store.flagBlowUp(seq: seq, status: status)
      }
    } catch let writeError
      where !(writeError is RunDeletedError)
      && (!losses.isEmpty || !evaluations.isEmpty || !validations.isEmpty)
    {
      let lost =
        "\(losses.count + evaluations.count + validations.count) buffered metric rows were not saved: \(writeError)"
      try store.database.writeRetryingBusy {
        try recordEnd(
          status: status, endedAt: endedAt,
          error: [error, lost].compactMap { $0 }.joined(separator: "; "),
          divergedAt: divergedAt)
        try store.storeSummary(seq: seq)
        recorded = try store.flagBlowUp(seq: seq, status: status)
      }
    }
    clearBuffer()
    finished = true
    return recorded
  }

  private func recordEnd(status: RunStatus, endedAt: Date, error: String?, divergedAt: Int?) throws
  {
    try store.statement(Self.finishRun).execute([
      .text(status.rawValue), .text(Timestamp.string(from: endedAt)),
      .real(endedAt.timeIntervalSince(startedAt)), .nullable(error),
      .nullable(divergedAt.map(Int64.init)), .integer(seq), .text(runID),
    ])
    guard store.database.changes == 1 else { throw RunDeletedError(runID: runID) }
  }
}

@available(*, unavailable)
extension RunRecorder: Sendable {}

/// The run a recorder writes was deleted (`tracker delete --force`, or by
/// hand) while it trained. Its number is never given to another run
/// (migration 0005), and the recorder writes nothing more.
public struct RunDeletedError: Error, CustomStringConvertible, Sendable {
  public let runID: String
  public var description: String { "run \(runID) was deleted while it ran; stopping" }
}
