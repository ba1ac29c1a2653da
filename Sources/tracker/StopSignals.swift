// StopSignals: Ctrl-C, SIGTERM and (for sweep) SIGHUP as a polite "stop", for
// `run` (which then records its run as interrupted) and `sweep` (which forwards
// each one to its runs). The handlers only store into atomics, which is
// async-signal-safe; the work loops poll them.
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Signals received since `catching`: how many, and the last one. One process
/// catches one set at a time (run and sweep are separate processes).
enum StopSignals {
  private static let count = Atomic<Int32>(0)
  private static let last = Atomic<Int32>(0)
  /// Whether the first signal restores the default action, so a second one
  /// ends the process at once (run), or every one is counted (sweep).
  private static let secondEndsProcess = Atomic<Bool>(false)

  /// Starts catching `signals`, forgetting any received before.
  static func catching(_ signals: [Int32], secondEndsProcess: Bool) {
    count.store(0, ordering: .relaxed)
    last.store(0, ordering: .relaxed)
    Self.secondEndsProcess.store(secondEndsProcess, ordering: .relaxed)
    for sig in signals {
      signal(sig) { received in
        StopSignals.last.store(received, ordering: .relaxed)
        StopSignals.count.add(1, ordering: .relaxed)
        if StopSignals.secondEndsProcess.load(ordering: .relaxed) { signal(received, SIG_DFL) }
      }
    }
  }

  /// Gives `signals` their default action back.
  static func release(_ signals: [Int32]) {
    for sig in signals { signal(sig, SIG_DFL) }
  }

  /// How many signals arrived since `catching`.
  static var received: Int32 { count.load(ordering: .relaxed) }

  /// The last signal that arrived, or nil.
  static var lastSignal: Int32? {
    let value = last.load(ordering: .relaxed)
    return value == 0 ? nil : value
  }
}
