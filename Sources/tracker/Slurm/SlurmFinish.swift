// `tracker slurm-finish` (hidden): the final job of a Slurm sweep (or tune stage).
// Runs after every array task ended (afterany), merges the shards into the main
// database, says what became of each cell whose task failed, was cancelled or timed
// out, and (for a sweep) prints the comparison into the job's output file, which
// `sweep --slurm --wait` prints and `tune --slurm` copies to stderr.
import ArgumentParser
import Foundation
import TrackerReports
import TrackerStore

extension Tracker {
  struct SlurmFinish: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "slurm-finish",
      abstract: "The final job of 'tracker sweep/tune --slurm': merge the shards and compare.",
      shouldDisplay: false)

    @Option(help: "The plan.json written at submission.")
    var plan: String

    @Option(help: "The array job's id.")
    var arrayJob: String

    func run() throws {
      let plan = try JSONDecoder().decode(
        SlurmPlan.self, from: Data(contentsOf: URL(fileURLWithPath: plan)))
      let store = try RunStore.open(path: plan.database)
      // Shards of this array: its tasks have all ended, so a run still 'running'
      // there was killed and is merged to be marked below. Other shards (an
      // earlier or a concurrent submission) only give what they finished.
      var failedMerges = 0
      for shard in try SlurmSubmission.shardFiles(in: URL(fileURLWithPath: plan.shardDir)) {
        let ours = URL(fileURLWithPath: shard).lastPathComponent.hasPrefix("shard-\(arrayJob)-")
        do {
          print(Merge.line(shard, try store.merge(from: shard, includeRunning: ours)))
        } catch {
          print("Error: \(error)")
          failedMerges += 1
        }
      }
      let tasks = Self.taskStates(arrayJob)
      var counts: [String: Int] = [:]
      var ids = Set(plan.skippedIDs)
      for cell in plan.cells {
        let task =
          tasks[cell.task].map { "slurm task \(cell.task) \($0)" } ?? "slurm task \(cell.task)"
        var status = try store.run(id: cell.runID)?.status
        if status == .running,
          try store.markStopped(
            id: cell.runID, reason: "\(task): killed before it could record its end")
        {
          status = .interrupted
        }
        let what = status?.rawValue ?? "never ran"
        counts[what, default: 0] += 1
        if status == .completed || status == .diverged { ids.insert(cell.runID) }
        if status != .completed {
          print("\(cell.label): \(what) (\(task), run \(cell.runID.prefix(8)))")
        }
      }
      let order = ["completed", "diverged", "failed", "interrupted", "never ran"]
      let summary = order.compactMap { key in counts[key].map { "\($0) \(key)" } }
      let skipped = plan.skippedIDs.isEmpty ? "" : ", \(plan.skippedIDs.count) skipped"
      print("slurm array job \(arrayJob): " + summary.joined(separator: ", ") + skipped)
      if let format = plan.format.map({ OutputFormat(rawValue: $0) ?? .table }) {
        print(
          try Self.comparison(store, ids: ids, optimizerOrder: plan.optimizerOrder, format: format),
          terminator: "")
      }
      if failedMerges > 0 || counts["completed", default: 0] != plan.cells.count {
        throw ExitCode.failure
      }
    }

    /// Each array task's final state, "CANCELLED (None)" style, from squeue (kept
    /// MinJobAge seconds after the end); empty when Slurm no longer knows the job.
    static func taskStates(_ arrayJob: String) -> [Int: String] {
      guard
        let (status, output, _) = try? SlurmCommand.run(
          "squeue", ["-h", "-r", "-t", "all", "-j", arrayJob, "-o", "%K %T %r"]), status == 0
      else { return [:] }
      var states: [Int: String] = [:]
      for line in output.split(separator: "\n") {
        let fields = line.split(separator: " ", maxSplits: 2).map(String.init)
        guard fields.count >= 2, let task = Int(fields[0]) else { continue }
        let reason = fields.count > 2 && fields[2] != "None" ? " (\(fields[2]))" : ""
        states[task] = fields[1] + reason
      }
      return states
    }

    /// The comparison of runs `ids` (completed or diverged), as `tracker sweep`
    /// prints it; empty when there are none.
    static func comparison(
      _ store: RunStore, ids: Set<String>, optimizerOrder: [String], format: OutputFormat
    ) throws -> String {
      let selection = try RunSelection(
        store, filter: RunFilter(optimizers: optimizerOrder, statuses: [.completed]),
        optimizerOrder: optimizerOrder, countDiverged: true, keep: { ids.contains($0.id) })
      guard !selection.runs.isEmpty || !selection.diverged.isEmpty else { return "" }
      let report = CompareReport(
        groups: try selection.groups(), margin: LearningStart.defaultMargin)
      return selection.comparison(report, format: format)
    }
  }
}
