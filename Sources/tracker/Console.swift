// What `tracker run` prints: progress on stderr (like the reference notebook, every ten
// evaluations), and one summary line on stdout so scripts can pipe it.
import Foundation
import TrackerEngine

struct Console {
  let quiet: Bool
  let evalInterval: Int

  func evaluation(_ iteration: Int, train: Double, test: Double) {
    guard !quiet, iteration % (evalInterval * 10) == 0 else { return }
    printError("iter \(pad(iteration, 6))  train acc \(fmt(train))  test acc \(fmt(test))")
  }

  func summary(runID: String, config: TrainingConfig, outcome: RunOutcome) {
    let acc = outcome.finalTestAccuracy.map(fmt) ?? "n/a"
    let detail: String
    switch outcome.status {
    case .completed: detail = ""
    case .diverged: detail = " (diverged at iteration \(outcome.divergedAt ?? 0))"
    default: detail = " (after \(outcome.iterationsRun) of \(config.iterations) iterations)"
    }
    print(
      "run \(runID) \(outcome.status.rawValue)\(detail): \(config.optimizer.rawValue) seed \(config.seed), "
        + "final test acc \(acc), \(String(format: "%.2f", outcome.seconds)) s")
  }
}

func fmt(_ x: Double) -> String { String(format: "%.4f", x) }

func pad(_ n: Int, _ width: Int) -> String {
  let s = String(n)
  return String(repeating: " ", count: max(0, width - s.count)) + s
}

func printError(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}
