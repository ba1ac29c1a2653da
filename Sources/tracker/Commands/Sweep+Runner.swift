// Sweep+Runner: runs a sweep's cells as child `tracker run` processes, --jobs at a
// time, skipping cells that already have a completed run, waiting for cells that
// another process is running, forwarding Ctrl-C/SIGTERM to the children, and
// reporting progress on stderr. Each child records its run under an id the sweep
// chose (`--run-id`), and the sweep reads how the run ended from the database,
// never from what the child printed. Children die with the sweep, however it
// ends (`--parent-pid`, Run+Sweep.swift), and the sweep leaves no file behind.
//
// Why child processes rather than threads: each run is then exactly `tracker run`
// (same validation, recording, signal handling and exit status), with its own
// SQLite connection, which SQLite requires per thread anyway and which WAL lets
// write side by side; a run that crashes or is killed takes only itself down and is
// detected by its pid like any killed run; and the training engine's buffers,
// threads and the process-wide stop flag of RunSession need no sharing. The cost,
// one process start and data load per run, is small next to a training run.
import ArgumentParser
import Foundation
import TrackerReports
import TrackerStore

#if canImport(Glibc)
  import Glibc
  import CLinux
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
    /// Cells left running in another process when the sweep was stopped.
    var elsewhere = 0
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
    /// The child's stderr: a file without a name, read when it fails.
    let errors: Int32
  }

  /// A cell whose configuration and seed another process is running: the sweep
  /// waits for that run, then skips the cell if it completed, else runs it.
  private struct Waiting {
    let cell: Int
    let runID: String
  }

  // MARK: - Scheduling

  mutating func run() throws -> Result {
    StopSignals.catching(Self.stopSignals, secondEndsProcess: false)
    defer { StopSignals.release(Self.stopSignals) }

    var result = Result(total: cells.count)
    var progress = SweepProgress(total: cells.count, jobs: jobs)
    var next = 0
    /// Cells to look at again (their other process ended), before `next`.
    var again: [Int] = []
    var running: [Child] = []
    var waiting: [Waiting] = []
    var lastLook = ContinuousClock.now
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
        defer { close(child.errors) }
        // Another sweep's run began this cell first (CellTaken): wait for it,
        // or look again at once if it has already ended.
        if status == .exited(CellTaken.exitCode) {
          if let taken = try store.liveRun(sameAs: cells[child.cell].settings) {
            waiting.append(Waiting(cell: child.cell, runID: taken.run.id))
            progress.note(cells[child.cell].label, Self.waitingNote(taken))
          } else {
            again.append(child.cell)
          }
          continue
        }
        let seconds = (ContinuousClock.now - child.started) / .seconds(1)
        record(child, status: status, seconds: seconds, into: &result, progress: &progress)
      }
      // Once a second, cells whose other process ended are looked at again.
      if !waiting.isEmpty, ContinuousClock.now - lastLook >= .seconds(1) {
        lastLook = .now
        _ = try? store.markAbandonedRuns()
        let ended = try waiting.filter { try store.run(id: $0.runID)?.status != .running }
        waiting.removeAll { wait in ended.contains { $0.cell == wait.cell } }
        again += ended.map(\.cell)
      }
      // Start more, unless stopping.
      while result.stopSignal == nil, running.count < jobs, !again.isEmpty || next < cells.count {
        let cell: Int
        if again.isEmpty {
          cell = next
          next += 1
        } else {
          cell = again.removeFirst()
        }
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
        if let taken = try store.liveRun(sameAs: cells[cell].settings) {
          waiting.append(Waiting(cell: cell, runID: taken.run.id))
          progress.note(cells[cell].label, Self.waitingNote(taken))
          continue
        }
        do {
          running.append(try spawn(cell))
        } catch {
          result.failed += 1
          progress.finished(cells[cell].label, "failed: \(error)", seconds: nil)
        }
      }
      if running.isEmpty, result.stopSignal != nil { break }
      if running.isEmpty, waiting.isEmpty, again.isEmpty, next == cells.count { break }
      progress.tick(running: running.map(\.started))
      usleep(50_000)
    }
    result.notStarted = cells.count - next + again.count
    result.elsewhere = waiting.count
    progress.end(result)
    return result
  }

  static func waitingNote(_ taken: (run: StoredRun, pid: Int64?)) -> String {
    let process = taken.pid.map { "pid \($0)" } ?? "another host"
    return "taken by another process (run \(taken.run.shortID), \(process)); waiting for it"
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
    try cell.doneRun(
      in: store, statuses: retryDiverged ? [.completed] : [.completed, .diverged], tags: tags)
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
      let stderr = Self.contents(of: child.errors)
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
  /// process group, tied to this process (`--parent-pid`: it gets SIGTERM when
  /// the sweep ends, even by kill -9, and records itself interrupted), with
  /// stdout discarded, stderr going to a file without a name (for a failed
  /// run's message; nothing to clean up however the sweep ends) and stdin closed.
  private func spawn(_ index: Int) throws -> Child {
    let errors = try Self.unnamedFile()
    var spawned = false
    defer { if !spawned { close(errors) } }
    let runID = UUID().uuidString.lowercased()
    let arguments =
      [
        Self.executable, "run", "--db", databasePath, "--quiet", "--run-id", runID,
        "--parent-pid", String(getpid()), "--skip-if-taken",
      ]
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
    posix_spawn_file_actions_adddup2(&actions, errors, 2)

    let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup($0) } + [nil]
    defer { for pointer in argv + envp { free(pointer) } }
    var pid = pid_t()
    let code = posix_spawn(&pid, Self.executable, &actions, &attributes, argv, envp)
    guard code == 0 else {
      throw StoreError("cannot start \(Self.executable): \(String(cString: strerror(code)))")
    }
    spawned = true
    return Child(pid: pid, cell: index, runID: runID, started: .now, errors: errors)
  }

  /// A readable and writable file in the temporary folder that has no name
  /// (O_TMPFILE), closed on exec. Where the file system lacks O_TMPFILE, a
  /// named file removed at once: then only a kill in that instant leaves it.
  static func unnamedFile() throws -> Int32 {
    let folder = FileManager.default.temporaryDirectory.path
    #if os(Linux)
      let fd = csystem_open_unnamed_file(folder)
      if fd >= 0 { return fd }
    #endif
    let path = folder + "/tracker-sweep-\(getpid())-\(UUID().uuidString.prefix(8)).err"
    let named = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard named >= 0 else {
      throw StoreError(
        "cannot create a file in \(folder) for a run's errors: \(String(cString: strerror(errno)));"
          + " set TMPDIR to a writable folder")
    }
    unlink(path)
    return named
  }

  /// What was written to `fd`, from its start.
  static func contents(of fd: Int32) -> String {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    var offset: off_t = 0
    while true {
      let count = pread(fd, &buffer, buffer.count, offset)
      guard count > 0 else { break }
      bytes += buffer[..<count]
      offset += off_t(count)
    }
    return String(decoding: bytes, as: UTF8.self)
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

extension SweepRunner {
  /// The most runs a sweep or tune starts at a time.
  static let maximumJobs = 64

  /// A one-line error for a --jobs outside 1...maximumJobs.
  static func check(jobs: Int) throws {
    guard (1...maximumJobs).contains(jobs) else {
      throw ValidationError("--jobs \(jobs) is not valid; give 1 to \(maximumJobs) runs at a time")
    }
  }
}
