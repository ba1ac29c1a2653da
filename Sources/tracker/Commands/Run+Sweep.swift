// Run+Sweep: what `tracker run` does differently when a sweep starts it (the
// hidden --parent-pid and --skip-if-taken): it dies with the sweep, and it
// begins its run only if no other process is running the same cell.
import Foundation
import TrackerStore

#if canImport(Glibc)
  import Glibc
  import CLinux
#endif

// MARK: - Dying with the sweep

enum ParentWatch {
  /// Makes the kernel send SIGTERM to this process when its parent `pid` ends,
  /// however it ends (kill -9 included); the run then stops like on any
  /// SIGTERM and is recorded as interrupted. Throws when the parent has
  /// already ended: the check comes after the request, so no death is missed
  /// between the fork and here
  /// (https://man7.org/linux/man-pages/man2/PR_SET_PDEATHSIG.2const.html).
  static func tie(to pid: Int32) throws {
    #if os(Linux)
      if csystem_set_parent_death_signal(SIGTERM) != 0 {
        throw InputError(
          "cannot ask to be stopped with the sweep: \(String(cString: strerror(errno)))")
      }
    #endif
    guard getppid() == pid else {
      throw InputError("the sweep that started this run (pid \(pid)) has ended; not starting")
    }
  }
}

// MARK: - One run per cell

/// A sweep's run that found its configuration and seed already running in
/// another process, and so did not begin. The sweep waits for that run.
struct CellTaken: Error, CustomStringConvertible {
  let run: StoredRun
  let pid: Int64?

  /// The exit status that tells the sweep (EX_TEMPFAIL, sysexits.h): try later.
  static let exitCode: Int32 = 75

  var description: String {
    let process = pid.map { "pid \($0)" } ?? "another host"
    return "run \(run.shortID) (\(process)) of this configuration and seed is running;"
      + " not starting another"
  }
}

extension RunStore {
  /// A run of exactly `settings` (configuration and seed) still `running` in a
  /// live process, after marking those whose process is gone (RunLiveness),
  /// with its pid; nil when there is none.
  func liveRun(sameAs settings: RunSettings) throws -> (run: StoredRun, pid: Int64?)? {
    _ = try? markAbandonedRuns()
    guard let run = try runs(matching: RunFilter(sameAs: settings, statuses: [.running])).first
    else { return nil }
    return (run, try? details(of: run).pid)
  }

  /// Begins `run` unless its cell is already running elsewhere (throws
  /// `CellTaken`). Two sweeps over one grid would otherwise both start a cell
  /// each saw free: the check and the insert are one step under an exclusive
  /// `flock` on the database's folder, which every sweep run takes. Why the
  /// folder: it exists whenever the database does, locking it creates no file,
  /// and the database's own files must not be opened a second time (closing
  /// that descriptor would drop SQLite's POSIX locks, https://sqlite.org/howtocorrupt.html).
  /// Held for milliseconds: the data is loaded before. Best effort where the
  /// folder can't be opened (the check still runs, without the lock).
  func beginUnlessTaken(_ newRun: NewRun, databasePath: String) throws -> RunRecorder {
    let folder = URL(fileURLWithPath: databasePath).deletingLastPathComponent().path
    let fd = Glibc.open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    defer { if fd >= 0 { Glibc.close(fd) } }  // closing releases the lock
    if fd >= 0 {
      while flock(fd, LOCK_EX) != 0, errno == EINTR {}
    }
    if let taken = try liveRun(sameAs: newRun.settings) {
      throw CellTaken(run: taken.run, pid: taken.pid)
    }
    return try begin(newRun)
  }
}
