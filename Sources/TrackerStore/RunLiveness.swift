// RunLiveness: finds runs left `running` by a process that is gone (kill -9,
// power loss, the OOM killer) and marks them `interrupted`, keeping every
// metric they flushed; and the heartbeat that running processes write.
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The rule that decides whether a run still marked `running` has lost its
/// process (see migrations/0004_run_heartbeat.sql and docs/robustness.md):
///
/// - recorded on this host (same host name) with a pid: abandoned as soon as
///   that pid is not alive, is a zombie, or belongs to a process that started
///   after the run did (the pid was reused). Exact and immediate.
/// - recorded on another host, or without a pid: abandoned after
///   `heartbeatTimeout` without a heartbeat (a running process writes one
///   about every second). We cannot see another machine's processes.
///
/// Why the status is updated in the database when detected rather than
/// computed in each query: a pid can't be checked in SQL, every existing
/// filter, index and count (and plain `sqlite3` users) then sees the same
/// status, and the run gets its summary like any interrupted run. A wrong
/// verdict (a process on another host that was only stalled) heals itself:
/// the run's next heartbeat sets it back to `running`.
public struct RunLiveness: Sendable {
  /// Heartbeats come about once a second; ten minutes without one means the
  /// process is gone, with a wide margin for clock differences between hosts.
  public static let defaultHeartbeatTimeout: TimeInterval = 600

  /// The name runs record as their host (`NewRun.host`): this machine's.
  public static var currentHost: String { ProcessInfo.processInfo.hostName }

  public var host: String
  public var now: Date
  public var heartbeatTimeout: TimeInterval
  /// Whether `pid` on this host is still the process that started a run at
  /// the given time.
  public var isProcessAlive: @Sendable (_ pid: Int32, _ runStartedAt: Date) -> Bool

  public init(
    host: String = RunLiveness.currentHost, now: Date = Date(),
    heartbeatTimeout: TimeInterval = RunLiveness.defaultHeartbeatTimeout,
    isProcessAlive: @escaping @Sendable (Int32, Date) -> Bool = ProcessProbe.isAlive
  ) {
    self.host = host
    self.now = now
    self.heartbeatTimeout = heartbeatTimeout
    self.isProcessAlive = isProcessAlive
  }

  /// Why a running run is abandoned, or nil when its process may be alive.
  public func abandonment(host runHost: String, pid: Int64?, startedAt: Date, heartbeatAt: Date)
    -> String?
  {
    if runHost == host, let pid, let pid32 = Int32(exactly: pid), pid32 > 0 {
      if isProcessAlive(pid32, startedAt) { return nil }
      return "its process (pid \(pid) on \(runHost)) ended without finishing the run"
    }
    let silence = now.timeIntervalSince(heartbeatAt)
    guard silence > heartbeatTimeout else { return nil }
    return "no heartbeat from its process on \(runHost) for \(Int(silence / 60)) minutes"
  }
}

/// Whether a local process is alive, from `kill(pid, 0)` and (on Linux) /proc.
public enum ProcessProbe {
  /// A process that started this much after the run it is supposed to be
  /// running is another process with a reused pid. Generous, because /proc
  /// gives the start only to about a second and wall clocks get adjusted.
  public static let startTolerance: TimeInterval = 30

  @Sendable public static func isAlive(pid: Int32, runStartedAt: Date) -> Bool {
    guard pid > 0 else { return false }
    // EPERM: it exists but belongs to another user, so it is alive.
    if kill(pid, 0) != 0, errno == ESRCH { return false }
    #if os(Linux)
      guard let stat = procStat(pid) else { return true }
      if stat.state == "Z" || stat.state == "X" { return false }  // exited, not yet reaped
      if let start = stat.start, start > runStartedAt + startTolerance { return false }
    #endif
    return true
  }

  #if os(Linux)
    /// State letter and start time of `pid` from /proc/<pid>/stat
    /// (https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html): field 3 is
    /// the state, field 22 the start in clock ticks after boot (`btime` in
    /// /proc/stat). The command name (field 2) may hold spaces and
    /// parentheses, so fields are counted from the last ')'.
    static func procStat(_ pid: Int32) -> (state: Character, start: Date?)? {
      guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = text.lastIndex(of: ")")
      else { return nil }
      let fields = text[text.index(after: close)...].split(separator: " ")
      guard fields.count > 19, let state = fields[0].first else { return nil }
      guard let ticks = Double(fields[19]), let boot = bootTime() else { return (state, nil) }
      let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
      return (state, Date(timeIntervalSince1970: boot + ticks / max(hertz, 1)))
    }

    static func bootTime() -> Double? {
      guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("btime ") })
      else { return nil }
      return Double(line.dropFirst("btime ".count).trimmingCharacters(in: .whitespaces))
    }
  #endif
}

extension RunStore {
  static let selectRunning =
    "SELECT seq, id, host, pid, started_at, heartbeat_at FROM runs WHERE status = 'running'"
  /// Only if still running with the heartbeat we judged by: a process that
  /// wrote a heartbeat since then is alive after all.
  static let markInterrupted = """
    UPDATE runs SET status = 'interrupted', ended_at = ?, duration_s = ?, error = ?
    WHERE seq = ? AND status = 'running' AND heartbeat_at IS ?
    """
  static let writeHeartbeat = "UPDATE runs SET heartbeat_at = ? WHERE seq = ? AND id = ?"
  /// A run marked abandoned whose process then writes again was only stalled
  /// (another host, a wrong clock): it is running after all.
  static let reviveRun = """
    UPDATE runs SET status = 'running', ended_at = NULL, duration_s = NULL, error = NULL,
      learning_margin = NULL, learning_start = NULL, final_test_acc = NULL,
      best_test_acc = NULL, final_loss = NULL
    WHERE seq = ? AND status = 'interrupted'
    """

  /// Marks every run left `running` by a process that is gone (by `liveness`)
  /// as `interrupted`, with its summary computed from the metrics it flushed,
  /// `ended_at` at its last heartbeat and `error` saying what was detected.
  /// Returns the ids of the runs marked.
  ///
  /// Reads without the write lock and writes only when a run was abandoned,
  /// so with no abandoned runs it costs one indexed SELECT.
  @discardableResult
  public func markAbandonedRuns(_ liveness: RunLiveness = RunLiveness()) throws -> [String] {
    var abandoned:
      [(seq: Int64, id: String, started: Date, beat: String?, end: Date, why: String)] =
        []
    try statement(Self.selectRunning).forEachRow { row in
      guard let started = Timestamp.date(from: row.text(4)) else { return }
      let beat = row.optionalText(5)
      let end = beat.flatMap(Timestamp.date(from:)) ?? started
      if let why = liveness.abandonment(
        host: row.text(2), pid: row.optionalInt64(3), startedAt: started, heartbeatAt: end)
      {
        abandoned.append((row.int64(0), row.text(1), started, beat, end, why))
      }
    }
    guard !abandoned.isEmpty else { return [] }
    do {
      // A reader's connection is read-only: record through a writing one of
      // its own, unless the file must not be written (read-only file or mount).
      var writer = self
      switch database.mode {
      case .create, .readWrite: break
      case .immutable: throw StoreError("'\(database.path)' is on a read-only mount")
      case .memory: throw StoreError("'\(database.path)' is read through an upgraded copy")
      case .readOnly:
        guard Self.isWritable(database.path) else {
          throw StoreError("'\(database.path)' is read-only")
        }
        writer = RunStore(database: try Database(path: database.path, mode: .readWrite))
      }
      return try writer.markInterrupted(abandoned, liveness)
    } catch {
      throw UnrecordedAbandonedRuns(runs: abandoned.map { ($0.id, $0.why) }, reason: "\(error)")
    }
  }

  private func markInterrupted(
    _ abandoned: [(seq: Int64, id: String, started: Date, beat: String?, end: Date, why: String)],
    _ liveness: RunLiveness
  ) throws -> [String] {
    try database.write {
      var marked: [String] = []
      for run in abandoned {
        let error =
          "\(run.why); marked interrupted on \(Timestamp.string(from: liveness.now)),"
          + " keeping the metrics written until its last heartbeat"
        try statement(Self.markInterrupted).execute([
          .text(Timestamp.string(from: run.end)),
          .real(max(0, run.end.timeIntervalSince(run.started))),
          .text(error), .integer(run.seq), .nullable(run.beat),
        ])
        guard database.changes == 1 else { continue }
        try storeSummary(seq: run.seq)
        marked.append(run.id)
      }
      return marked
    }
  }

  /// Records that run `seq` (with `id`)'s process is alive at `date`; call
  /// inside the write transaction of a metric flush. False when the run is
  /// gone (deleted meanwhile).
  func recordHeartbeat(seq: Int64, id: String, at date: Date) throws -> Bool {
    try statement(Self.writeHeartbeat).execute([
      .text(Timestamp.string(from: date)), .integer(seq), .text(id),
    ])
    guard database.changes == 1 else { return false }
    try statement(Self.reviveRun).execute([.integer(seq)])
    return true
  }
}

/// Abandoned runs that could not be marked interrupted (a read-only file, a
/// full disk): they stay `running` in the file, and readers say so.
public struct UnrecordedAbandonedRuns: Error, CustomStringConvertible, Sendable {
  public let runs: [(id: String, why: String)]
  public let reason: String

  /// One line per run, for stderr.
  public var notes: [String] {
    runs.map {
      "note: run \($0.id.prefix(8)) is stored as running, but \($0.why);"
        + " it could not be marked interrupted (\(reason))"
    }
  }

  public var description: String { notes.joined(separator: "\n") }
}
