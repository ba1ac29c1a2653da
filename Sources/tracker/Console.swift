// What `tracker run` prints: progress on stderr and one summary line on stdout
// so scripts can pipe it. Progress: the periodic plain lines (like the
// reference notebook, every ten evaluations) always; on a terminal also one
// live line below them, redrawn in place (see Progress.swift). --quiet: only
// the summary.
import Foundation
import TrackerEngine

final class Console {
  let quiet: Bool
  let evalInterval: Int
  /// Iterations of the run; 0 when unknown (no live line then).
  let iterations: Int
  let terminal: TerminalInfo
  /// Where progress goes: stderr, or a buffer in tests.
  private let write: (String) -> Void
  /// Seconds since some fixed point, monotonic.
  private let now: () -> Double

  private let start: Double
  private var lastDraw = -Double.infinity
  private var drawn = false
  private var loss: Double?
  private var testAccuracy: Double?

  /// The live line is redrawn at most this often (seconds): fast enough to
  /// look live, rare enough to cost nothing next to training.
  static let redrawInterval = 0.1

  init(
    quiet: Bool, evalInterval: Int, iterations: Int = 0, terminal: TerminalInfo = .detect(),
    write: @escaping (String) -> Void = Console.writeStandardError,
    now: @escaping () -> Double = Console.monotonicSeconds
  ) {
    self.quiet = quiet
    self.evalInterval = evalInterval
    self.iterations = iterations
    self.terminal = terminal
    self.write = write
    self.now = now
    start = now()
  }

  private var isLive: Bool { !quiet && terminal.isLive && iterations > 0 }

  /// After every iteration: redraws the live line when it is due.
  func iteration(_ iteration: Int, loss: Double) {
    self.loss = loss
    guard isLive else { return }
    let time = now()
    guard time - lastDraw >= Self.redrawInterval || iteration == iterations else { return }
    draw(iteration, at: time)
  }

  /// After every evaluation: the plain line every ten evaluations.
  func evaluation(_ iteration: Int, train: Double, test: Double) {
    testAccuracy = test
    guard !quiet, iteration % (evalInterval * 10) == 0 else { return }
    let line = "iter \(pad(iteration, 6))  train acc \(fmt(train))  test acc \(fmt(test))\n"
    if isLive {
      // Above the live line, which is drawn again below it.
      write(ProgressLine.clear + line)
      draw(iteration, at: now())
    } else {
      write(line)
    }
  }

  /// Erases the live line; call when training ends, before anything else is printed.
  func finish() {
    guard drawn else { return }
    write(ProgressLine.clear)
    drawn = false
  }

  private func draw(_ iteration: Int, at time: Double) {
    let line = ProgressLine(total: iterations, columns: terminal.columns, color: terminal.color)
      .render(iteration: iteration, loss: loss, testAccuracy: testAccuracy, elapsed: time - start)
    write(ProgressLine.clear + line)
    drawn = true
    lastDraw = time
  }

  func summary(runID: String, config: TrainingConfig, outcome: RunOutcome) {
    // Percent with 2 decimals, as list, compare and sweep print accuracies.
    let acc = outcome.finalTestAccuracy.map { String(format: "%.2f%%", $0 * 100) } ?? "n/a"
    let detail: String
    switch outcome.status {
    case .completed: detail = ""
    case .diverged:
      detail =
        outcome.divergedAt.map { " (diverged at iteration \($0))" }
        ?? " (blew up: its loss ended above twice where it started)"
    default: detail = " (after \(outcome.iterationsRun) of \(config.iterations) iterations)"
    }
    print(
      "run \(runID) \(outcome.status.rawValue)\(detail): \(config.optimizer.rawValue) seed \(config.seed), "
        + "final test acc \(acc), \(String(format: "%.2f", outcome.seconds)) s")
  }

  static func writeStandardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }

  static func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }
}

/// An accuracy in percent, as every command prints accuracy (JSON and CSV keep fractions).
func fmt(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }

func pad(_ n: Int, _ width: Int) -> String {
  let s = String(n)
  return String(repeating: " ", count: max(0, width - s.count)) + s
}

func printError(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}
