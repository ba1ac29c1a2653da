// Database+Busy: a write that outlasts a lock held longer than the busy timeout,
// for writes that must not be lost to a moment of contention (a run's end).
import Foundation

extension Database {
  /// Tries for writes that must outlast another process's long write (a big
  /// delete, a migration) rather than fail a run before it starts: 12 × 5 s,
  /// a minute in all.
  public static let patientAttempts = 12

  /// Runs `body` in `write`, trying again (up to `attempts` times in all) when
  /// it fails with SQLITE_BUSY/LOCKED: each try already waited the busy
  /// timeout, so this bounds the wait at `attempts` × 5 s and never hangs.
  /// The transaction rolled back before each retry, so `body` starts afresh.
  public func writeRetryingBusy<T>(attempts: Int = 3, _ body: () throws -> T) throws -> T {
    var attempt = 1
    while true {
      do {
        return try write(body)
      } catch let error as SQLiteError where error.isBusy && attempt < attempts {
        attempt += 1
      }
    }
  }
}
