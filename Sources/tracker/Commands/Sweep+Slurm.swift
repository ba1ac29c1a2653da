// Sweep+Slurm: `tracker sweep --slurm`, the grid submitted as one Slurm job array
// (SlurmSubmission) instead of run here; --wait prints what the final job printed.
import ArgumentParser
import Foundation
import TrackerStore

extension Tracker.Sweep {
  func runOnSlurm(_ grid: [SweepCell], store: RunStore, path: String) throws {
    let order = Self.optimizerOrder(optimizers)
    var submission = SlurmSubmission(
      cells: grid, databasePath: path, options: cluster, optimizerOrder: order,
      format: format.rawValue)
    // As a local sweep: a cell that diverged before is done unless --retry-diverged.
    if !retryDiverged { submission.finished = [.completed, .diverged] }
    submission.tags = tag.map { (key: $0.key, value: $0.value) }
    let (jobs, skipped) = try submission.submit(store: store)
    guard let jobs else {
      printError("all \(grid.count) runs already completed; nothing submitted")
      print(
        try Tracker.SlurmFinish.comparison(
          store, ids: Set(skipped), optimizerOrder: order, format: format),
        terminator: "")
      return
    }
    guard let status = jobs.finalStatus else {
      print(
        "submitted array job \(jobs.array) and merge job \(jobs.final); when it ends, the runs"
          + " are in \(path) and its comparison in \(jobs.output)")
      return
    }
    let output = (try? String(contentsOfFile: jobs.output, encoding: .utf8)) ?? ""
    print(output, terminator: "")
    if output.isEmpty { printError("merge job \(jobs.final) left no output in \(jobs.output)") }
    if status != 0 { throw ExitCode(status) }
  }
}
