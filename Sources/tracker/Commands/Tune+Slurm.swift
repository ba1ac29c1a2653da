// Tune+Slurm: `tracker tune --slurm`, each stage submitted as one Slurm job array
// (SlurmSubmission) and waited for, since the confirm stage needs the search's
// results: its final job merges the shards into --db, and the tune then selects,
// confirms and reports from the database exactly as it does locally.
import ArgumentParser
import Foundation
import TrackerStore

extension Tracker.Tune {
  /// Runs `cells` (a stage's missing runs) on the cluster and copies the final
  /// job's output (merges, cells that did not complete and why) to stderr; its
  /// exit status is not the tune's, which counts a diverged run as a result.
  func runOnSlurm(_ cells: [SweepCell], store: RunStore, path: String) throws {
    var options = cluster
    options.wait = true
    let submission = SlurmSubmission(
      cells: cells, databasePath: path, options: options, optimizerOrder: [], format: nil,
      finished: [.completed, .diverged], command: "tune")
    guard let jobs = try submission.submit(store: store).jobs, let status = jobs.finalStatus
    else { return }
    let output = (try? String(contentsOfFile: jobs.output, encoding: .utf8)) ?? ""
    guard !output.isEmpty else {
      printError(
        "merge job \(jobs.final) left no output in \(jobs.output); see 'sacct -j \(jobs.final)'")
      throw ExitCode(status == 0 ? 1 : status)
    }
    FileHandle.standardError.write(Data(output.utf8))
  }
}
