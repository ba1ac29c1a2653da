// Sweep+Runner: runs a sweep's cells as child `tracker run` processes, --jobs at a
// time, skipping cells that already have a completed run, forwarding Ctrl-C/SIGTERM
// to the children, and reporting progress on stderr. Each child records its run
// under an id the sweep chose (`--run-id`), and the sweep reads how the run ended
// from the database, never from what the child printed.
//
// Why child processes rather than threads: each run is then exactly `tracker run`
// (same validation, recording, signal handling and exit status), with its own
// SQLite connection, which SQLite requires per thread anyway and which WAL lets
// write side by side; a run that crashes or is killed takes only itself down and is
// detected by its pid like any killed run; and the training engine's buffers,
// threads and the process-wide stop flag of RunSession need no sharing. The cost,
// one process start and data load per run, is small next to a training run.
import Foundation
import TrackerReports
import TrackerStore

#if canImport(Glibc)
  import Glibc
#endif

struct SweepRunner {
  let cells: [SweepCell]
  let store: RunStore
  let databasePath: String
  let jobs: Int
  /// The sweep's --tag labels: every run of the sweep carries them, those it
  /// runs and those it skips (`doneRun`).
  let tags: [(key: String, value: String)]
  /// Whether a cell whose earlier run diverged runs again.
  let retryDiverged: Bool

  struct Result {
    var completedIDs: Set<String> = []
    var divergedIDs: Set<String> = []
    var completed = 0
    var skipped = 0
    var diverged = 0
    var failed = 0
    var interrupted = 0
    var notStarted = 0
    /// The signal that stopped the sweep, if one did.
    var stopSignal: Int32?
    var allCompleted: Bool { completed + skipped == total }
    var total = 0
  }

  /// A running child.
  private struct Child {
    let pid: pid_t
    let cell: Int
    /// The id the child records its run under.
    let runID: String
    let started: ContinuousClock.Instant
    let errors: String
  }

  // MARK: - Scheduling

  mutating func run() throws -> Result {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "tracker-sweep-\(getpid())-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    StopSignals.catching(Self.stopSignals, secondEndsProcess: false)
    defer { StopSignals.release(Self.stopSignals) }

    var result = Result(total: cells.count)
    var progress = SweepProgress(total: cells.count, jobs: jobs)
    var next = 0
    var running: [Child] = []
    var forwarded: Int32 = 0
    while true {
      // Forward each signal once to every child (its own process group, so a
      // terminal's Ctrl-C reaches it only through us, exactly once).
      let received = StopSignals.received
      if received > forwarded, let signal = StopSignals.lastSignal {
        forwarded = received
        result.stopSignal = signal
        let toChild = signal == SIGHUP ? SIGTERM : signal
        for child in running { kill(child.pid, toChild) }
        progress.stopping(signal: signal, running: running.count)
      }
      // Collect the children that ended.
      var index = 0
      while index < running.count {
        let child = running[index]
        guard let status = Self.exitStatus(child.pid) else {
          index += 1
          continue
        }
        running.remove(at: index)
        let seconds = (ContinuousClock.now - child.started) / .seconds(1)
        record(child, status: status, seconds: seconds, into: &result, progress: &progress)
      }
      // Start more, unless stopping.
      while result.stopSignal == nil, running.count < jobs, next < cells.count {
        let cell = next
        next += 1
        if let done = try doneRun(of: cells[cell]) {
          if done.status == .diverged {
            result.diverged += 1
            result.divergedIDs.insert(done.id)
            progress.finished(
              cells[cell].label,
              "skipped, diverged before (run \(done.shortID); --retry-diverged runs it again)",
              seconds: nil)
          } else {
            result.skipped += 1
            result.completedIDs.insert(done.id)
            progress.finished(
              cells[cell].label, "skipped, already completed (run \(done.shortID))", seconds: nil)
          }
          continue
        }
        do {
          running.append(try spawn(cell, folder: folder))
        } catch {
          result.failed += 1
          progress.finished(cells[cell].label, "failed: \(error)", seconds: nil)
        }
      }
      if running.isEmpty, result.stopSignal != nil || next == cells.count { break }
      progress.tick(running: running.map(\.started))
      usleep(50_000)
    }
    result.notStarted = cells.count - next
    progress.end(result)
    return result
  }

  /// The run that makes `cell` done, looked up right before starting it (another
  /// sweep on the same file may have run it meanwhile): the earliest completed
  /// run of its configuration and seed (the one compare counts), else, unless
  /// --retry-diverged, the earliest diverged one. The sweep's tags are added to
  /// it, so that '--tag' views see every cell. A run that already has one of
  /// those keys with another value (it belongs to another sweep) does not
  /// count: if every candidate does, the cell runs again, and its new run is a
  /// duplicate that compare does not count twice.
  private func doneRun(of cell: SweepCell) throws -> StoredRun? {
    let statuses: [RunStatus] = retryDiverged ? [.completed] : [.completed, .diverged]
    let candidates = try store.runs(matching: cell.runs(statuses), includeTags: true)
      .sorted {
        ($0.status != .completed ? 1 : 0, $0.seq) < ($1.status != .completed ? 1 : 0, $1.seq)
      }
    for run in candidates {
      let conflicts = tags.contains { tag in
        run.tags.contains { $0.key == tag.key && $0.value != tag.value }
      }
      if conflicts { continue }
      try store.addTags(tags, to: run)
      return run
    }
    return nil
  }

  /// What a child's exit means, from its exit status and its run as the
  /// database holds it (none when the child failed before it began one).
  private func record(
    _ child: Child, status: ExitStatus, seconds: Double, into result: inout Result,
    progress: inout SweepProgress
  ) {
    let label = cells[child.cell].label
    // A failed read counts the run as failed, saying why; the sweep goes on.
    var readError: Error?
    var run: StoredRun?
    do { run = try store.run(id: child.runID) } catch { readError = error }
    switch (status, run?.status) {
    case (.exited(0), .completed):
      result.completed += 1
      result.completedIDs.insert(child.runID)
      let accuracy = run?.summary.finalTestAccuracy
      progress.finished(
        label, "completed, final test acc \(Format.percent(accuracy))%", seconds: seconds)
    case (_, .diverged):
      result.diverged += 1
      result.divergedIDs.insert(child.runID)
      let iteration = run.flatMap { try? store.details(of: $0).divergedAt }
      progress.finished(
        label, "diverged at iteration \(iteration.map(String.init) ?? "?")", seconds: seconds)
    case (.exited(130), _), (.exited(143), _), (.signaled(SIGINT), _), (.signaled(SIGTERM), _):
      result.interrupted += 1
      _ = try? store.markAbandonedRuns()  // stopped before it could record that
      progress.finished(label, "interrupted", seconds: seconds, partial: true)
    default:
      result.failed += 1
      // A killed child could not mark its run: mark it now, as list would.
      if case .signaled = status { _ = try? store.markAbandonedRuns() }
      let stderr = (try? String(contentsOfFile: child.errors, encoding: .utf8)) ?? ""
      let message =
        stderr.split(separator: "\n").last { $0.hasPrefix("Error: ") }
        .map { String($0.dropFirst("Error: ".count)) }
        ?? stderr.split(separator: "\n").last.map(String.init)
      let why: String
      switch status {
      case .signaled(let signal): why = "killed by signal \(signal)"
      case .exited(let code):
        why =
          readError.map { "cannot read its run back from the database: \($0)" } ?? message
          ?? "exit status \(code)"
      }
      progress.finished(label, "failed: \(why)", seconds: seconds)
    }
  }

  // MARK: - Child processes

  enum ExitStatus: Equatable {
    case exited(Int32)
    case signaled(Int32)
  }

  /// The exit status of `pid` if it has ended (and reaps it), else nil.
  static func exitStatus(_ pid: pid_t) -> ExitStatus? {
    var status: Int32 = 0
    let result = waitpid(pid, &status, WNOHANG)
    if result == 0 { return nil }
    if result < 0 { return errno == EINTR ? nil : .exited(255) }
    // WIFSIGNALED / WTERMSIG / WEXITSTATUS, which Swift does not import (macros).
    let signal = status & 0x7F
    return signal != 0 && signal != 0x7F ? .signaled(signal) : .exited((status >> 8) & 0xFF)
  }

  /// Starts `tracker run` for cell `index` under a new run id, in its own
  /// process group, with stdout discarded, stderr going to a file in `folder`
  /// (for a failed run's message) and stdin closed.
  private func spawn(_ index: Int, folder: URL) throws -> Child {
    let errors = folder.appendingPathComponent("\(index).err").path
    let runID = UUID().uuidString.lowercased()
    let arguments =
      [Self.executable, "run", "--db", databasePath, "--quiet", "--run-id", runID]
      + cells[index].arguments

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Own process group: a terminal's Ctrl-C goes to the sweep only, which forwards
    // it once (a second SIGINT would kill a run before it records its end).
    posix_spawnattr_setpgroup(&attributes, 0)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

    let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup($0) } + [nil]
    defer { for pointer in argv + envp { free(pointer) } }
    var pid = pid_t()
    let code = posix_spawn(&pid, Self.executable, &actions, &attributes, argv, envp)
    guard code == 0 else {
      throw StoreError("cannot start \(Self.executable): \(String(cString: strerror(code)))")
    }
    return Child(pid: pid, cell: index, runID: runID, started: .now, errors: errors)
  }

  /// This very executable, so children are the same build of tracker.
  static let executable: String = {
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
      return path
    }
    return Bundle.main.executablePath ?? CommandLine.arguments[0]
  }()

  // MARK: - Signals

  /// What stops a sweep: Ctrl-C, SIGTERM, and SIGHUP (its terminal closed), each
  /// forwarded to the runs (SIGHUP as SIGTERM).
  static let stopSignals = [SIGINT, SIGTERM, SIGHUP]
}
