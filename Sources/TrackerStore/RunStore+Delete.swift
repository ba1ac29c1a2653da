// RunStore+Delete: deleting runs with their metrics in short transactions, and
// finding (and stopping) the runs among them whose process still trains.
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A run still `running` whose process may be alive (see `RunLiveness`).
public struct LiveRun: Sendable {
  public let run: StoredRun
  public let host: String
  public let pid: Int32?
  public let startedAt: Date

  /// Whether tracker can signal its process: recorded on this host, with a pid.
  public var isLocal: Bool { host == RunLiveness.currentHost && pid != nil }
}

extension RunStore {
  /// Metric rows deleted per transaction at most. Deleting 10,000 runs in one
  /// transaction held the write lock for 7 s, longer than the 5 s other
  /// writers wait; 50,000 rows take tens of milliseconds.
  public static let deleteRowBudget = 50_000

  /// Deletes `runs` with their tags and metrics; returns how many runs were
  /// deleted. The work is split into transactions of at most
  /// `deleteRowBudget` metric rows, so a run starting meanwhile waits
  /// milliseconds rather than seconds. Each transaction deletes whole runs
  /// or a slice of one run's metrics; if the process is stopped midway, the
  /// runs not yet deleted remain (some with fewer metrics), and deleting them
  /// again finishes the job.
  ///
  /// The child rows are deleted explicitly rather than left to ON DELETE
  /// CASCADE: a cascade can't be bounded, and no orphans remain even on a
  /// connection without `foreign_keys = ON`
  /// (https://sqlite.org/foreignkeys.html#fk_enable).
  @discardableResult
  public func delete(_ runs: [StoredRun], rowsPerTransaction: Int = RunStore.deleteRowBudget)
    throws -> Int
  {
    precondition(rowsPerTransaction > 0, "rowsPerTransaction must be positive")
    var deleted = 0
    var next = runs.startIndex
    while next < runs.endIndex {
      let (finished, count) = try database.writeRetryingBusy {
        try deleteSome(runs[next...], budget: rowsPerTransaction)
      }
      next += finished
      deleted += count
    }
    return deleted
  }

  /// One bounded transaction's work: metrics of the first runs of `runs`, and
  /// each of those runs once its metrics are gone. Always makes progress.
  private func deleteSome(_ runs: ArraySlice<StoredRun>, budget: Int) throws -> (
    finished: Int, deleted: Int
  ) {
    var budget = budget
    var finished = 0
    var deleted = 0
    for run in runs {
      for table in ["losses", "evals"] {
        try statement(
          """
          DELETE FROM \(table) WHERE run_seq = ?1
            AND iter IN (SELECT iter FROM \(table) WHERE run_seq = ?1 ORDER BY iter LIMIT ?2)
          """
        ).execute([.integer(run.seq), .integer(Int64(budget))])
        budget -= database.changes
        if budget <= 0 { return (finished, deleted) }
      }
      try statement("DELETE FROM run_tags WHERE run_seq = ?").execute([.integer(run.seq)])
      try statement("DELETE FROM runs WHERE seq = ?").execute([.integer(run.seq)])
      deleted += database.changes
      finished += 1
    }
    return (finished, deleted)
  }

  // MARK: - Live runs

  /// The runs of `runs` still `running` whose process may be alive: on this
  /// host, its pid is alive; elsewhere, it had a heartbeat within the timeout.
  /// (`openExisting` has already marked the abandoned ones interrupted.)
  public func liveRuns(_ runs: [StoredRun], _ liveness: RunLiveness = RunLiveness()) throws
    -> [LiveRun]
  {
    var live: [LiveRun] = []
    let select = try statement(
      "SELECT host, pid, started_at, heartbeat_at FROM runs WHERE seq = ? AND status = 'running'")
    for run in runs {
      try select.forEachRow([.integer(run.seq)]) { row in
        guard let started = Timestamp.date(from: row.text(2)) else { return }
        let beat = row.optionalText(3).flatMap(Timestamp.date(from:)) ?? started
        let pid = row.optionalInt64(1)
        guard
          liveness.abandonment(host: row.text(0), pid: pid, startedAt: started, heartbeatAt: beat)
            == nil
        else { return }
        live.append(
          LiveRun(
            run: run, host: row.text(0), pid: pid.flatMap { Int32(exactly: $0) },
            startedAt: started))
      }
    }
    return live
  }

  /// How long `stop` waits for a run's process after SIGTERM: it stops after
  /// its current iteration and records its end, which retries for up to 15 s
  /// when other writers hold the lock.
  public static let stopTimeout: Duration = .seconds(60)

  /// Stops a live run's process on this host with SIGTERM (it records the run
  /// as interrupted, as for Ctrl-C) and waits until it has exited.
  ///
  /// - Throws: `StoreError` when the run is on another host (its process
  ///   can't be signalled from here) or its process outlives `stopTimeout`.
  public func stop(_ live: LiveRun, timeout: Duration = RunStore.stopTimeout) throws {
    guard live.isLocal, let pid = live.pid else {
      throw StoreError(
        "run \(live.run.shortID) is running on \(live.host); stop it there first")
    }
    kill(pid, SIGTERM)
    let deadline = ContinuousClock.now + timeout
    while ProcessProbe.isAlive(pid: pid, runStartedAt: live.startedAt) {
      guard ContinuousClock.now < deadline else {
        throw StoreError(
          "run \(live.run.shortID) (pid \(pid)) did not stop within \(timeout) of SIGTERM;"
            + " nothing deleted; end it with 'kill -9 \(pid)' and try again")
      }
      usleep(20_000)
    }
  }
}
