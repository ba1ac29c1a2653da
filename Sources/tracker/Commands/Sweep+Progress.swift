// Sweep+Progress: what a sweep tells the user on stderr while it runs: one line per
// finished (or skipped) run with runs done / total and the time left, and on a
// terminal a status line kept up to date at the bottom.
import Foundation
import TrackerReports

#if canImport(Glibc)
  import Glibc
#endif

struct SweepProgress {
  let total: Int
  let jobs: Int
  /// Runs finished, failed or skipped.
  private(set) var done = 0
  /// Wall-clock seconds of the runs this sweep ran to their end (skips excluded).
  private var durations: [Double] = []
  private var running: [ContinuousClock.Instant] = []
  private var lastTick = ContinuousClock.now
  /// A terminal gets a live status line; a file or pipe gets only whole lines.
  private let live = isatty(STDERR_FILENO) != 0
  private var isStopping = false

  init(total: Int, jobs: Int) {
    self.total = total
    self.jobs = jobs
    let runs = total == 1 ? "1 run" : "\(total) runs"
    write("sweep: \(runs), \(jobs) at a time")
  }

  /// One line for a run that ended or was skipped: "[ 3/12] adam seed 1: completed ...".
  mutating func finished(
    _ label: String, _ outcome: String, seconds: Double?, partial: Bool = false
  ) {
    done += 1
    // A run cut short says nothing about how long a run takes.
    if let seconds, !partial { durations.append(seconds) }
    let width = String(total).count
    let count = String(repeating: " ", count: max(0, width - String(done).count)) + String(done)
    var line = "[\(count)/\(total)] \(label): \(outcome)"
    if let seconds { line += " (\(Format.duration(seconds)))" }
    if done < total, !isStopping, let left = timeLeft() {
      line += "; about \(Format.duration(left)) left"
    }
    write(line)
  }

  /// A line about a run that has not ended: "adam seed 1: taken by ...".
  func note(_ label: String, _ text: String) {
    write("\(label): \(text)")
  }

  /// Refreshes the status line (at most twice a second) on a terminal.
  mutating func tick(running starts: [ContinuousClock.Instant]) {
    running = starts
    guard live, !isStopping, ContinuousClock.now - lastTick >= .milliseconds(500) else { return }
    lastTick = .now
    let left = timeLeft().map { "about \(Format.duration($0)) left" } ?? "estimating time left"
    let status = "sweep: \(done)/\(total) done, \(starts.count) running, \(left)"
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + status).utf8))
  }

  mutating func stopping(signal: Int32, running: Int) {
    isStopping = true
    let name = signal == SIGINT ? "Ctrl-C" : "signal \(signal)"
    write("sweep: \(name): stopping \(running) running run(s); they are recorded as interrupted")
  }

  mutating func end(_ result: SweepRunner.Result) {
    var parts = ["\(result.completed + result.skipped) completed"]
    if result.skipped > 0 { parts[0] += " (\(result.skipped) skipped, done before)" }
    for (count, what) in [
      (result.diverged, "diverged"), (result.failed, "failed"),
      (result.interrupted, "interrupted"), (result.notStarted, "not started"),
      (result.elsewhere, "still running in another process"),
    ] where count > 0 {
      parts.append("\(count) \(what)")
    }
    write("sweep: \(total == 1 ? "1 run" : "\(total) runs"): " + parts.joined(separator: ", "))
    if result.stopSignal != nil, result.notStarted + result.interrupted > 0 {
      write("sweep: run the same command again to finish the rest (completed runs are skipped)")
    } else if result.failed + result.diverged > 0 {
      write("sweep: see 'tracker list --status failed --status diverged' for what went wrong")
    }
  }

  /// Seconds left: the mean duration of the runs finished so far, times the runs
  /// not started, plus what the running ones probably still need, over --jobs.
  /// nil until a run has finished.
  private func timeLeft() -> Double? {
    guard !durations.isEmpty else { return nil }
    let mean = durations.reduce(0, +) / Double(durations.count)
    let waiting = max(0, total - done - running.count)
    let now = ContinuousClock.now
    let rest = running.map { max(0, mean - (now - $0) / .seconds(1)) }.reduce(0, +)
    return (Double(waiting) * mean + rest) / Double(max(1, min(jobs, total - done)))
  }

  /// A whole line on stderr, above the status line on a terminal.
  private func write(_ line: String) {
    let clear = live ? "\r\u{1B}[K" : ""
    FileHandle.standardError.write(Data((clear + line + "\n").utf8))
  }
}
