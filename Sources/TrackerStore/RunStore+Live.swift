// RunStore+Live: what a live view (`tracker serve`) polls: the runs still
// marked running with how far they got, whether anything was committed, and
// a fingerprint of the runs that changes whenever one is recorded, ends or is
// deleted.
// Read-only: a run whose process is gone is reported as abandoned, never
// marked interrupted here (that is a write; `tracker list` does it).
import Foundation

/// A run marked `running`, with its progress.
public struct RunProgress: Sendable, Equatable {
  public var id: String
  public var name: String?
  public var optimizer: String
  public var startedAt: String
  /// The last iteration whose loss is recorded (0 before the first flush).
  public var iteration: Int
  /// The iterations the run was started for.
  public var iterations: Int
  /// Why its process seems gone (`RunLiveness`), or nil while it may be alive.
  public var abandoned: String?
}

extension RunStore {
  static let selectFingerprint = """
    SELECT count(*), coalesce(max(seq), 0), coalesce(sum(status = 'running'), 0),
      coalesce(max(ended_at), '')
    FROM runs
    """
  static let selectProgress = """
    SELECT r.id, r.name, r.optimizer, r.started_at, r.iters, r.host, r.pid, r.heartbeat_at,
      coalesce((SELECT max(l.iter) FROM losses AS l WHERE l.run_seq = r.seq), 0)
    FROM runs AS r WHERE r.status = 'running' ORDER BY r.started_at, r.seq
    """

  /// Changes whenever another connection commits (PRAGMA data_version).
  public func dataVersion() throws -> Int64 {
    var version: Int64 = 0
    try statement("PRAGMA data_version").forEachRow { version = $0.int64(0) }
    return version
  }

  /// The number of runs, the newest seq, the running count and the latest
  /// end: a new, ended, deleted or interrupted run changes it; a running
  /// run's progress doesn't.
  public func contentFingerprint() throws -> String {
    var fingerprint = ""
    try statement(Self.selectFingerprint).forEachRow { row in
      fingerprint = (0..<4).map { row.text($0) }.joined(separator: "/")
    }
    return fingerprint
  }

  /// The runs marked running, oldest first, with their progress; `liveness`
  /// says which seem abandoned.
  public func runningRuns(_ liveness: RunLiveness = RunLiveness()) throws -> [RunProgress] {
    var running: [RunProgress] = []
    try statement(Self.selectProgress).forEachRow { row in
      let started = row.text(3)
      let startDate = Timestamp.date(from: started) ?? liveness.now
      let beat = row.optionalText(7).flatMap(Timestamp.date(from:)) ?? startDate
      running.append(
        RunProgress(
          id: row.text(0), name: row.optionalText(1), optimizer: row.text(2),
          startedAt: started, iteration: Int(row.int64(8)), iterations: Int(row.int64(4)),
          abandoned: liveness.abandonment(
            host: row.text(5), pid: row.optionalInt64(6), startedAt: startDate,
            heartbeatAt: beat)))
    }
    return running
  }
}
