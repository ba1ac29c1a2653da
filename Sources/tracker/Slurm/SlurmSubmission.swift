// SlurmSubmission: runs a list of cells (each a `tracker run` argument list) on a
// Slurm cluster as one job array: each array task trains its cells into its own
// shard database, and a final job (afterany) merges the shards into the main
// database and prints the comparison. Shared-nothing because SQLite must not be
// written by several machines over a network file system (docs/cluster.md).
// `sweep --slurm` and `tune --slurm` (one submission per stage) use it.
import ArgumentParser
import Foundation
import TrackerStore

/// The sbatch options a sweep passes through, and where shards go.
struct SlurmOptions: ParsableArguments {
  @Flag(help: "Submit the runs as a Slurm job array instead of running them here.")
  var slurm = false

  @Option(
    help: ArgumentHelp(
      "Folder for the shard databases and job files (default: <db>.shards beside --db).",
      valueName: "dir"))
  var shardDir: String?

  @Option(help: ArgumentHelp("sbatch --partition.", valueName: "name"))
  var partition: String?

  @Option(help: ArgumentHelp("sbatch --time for each array task, e.g. 2:00:00.", valueName: "time"))
  var time: String?

  @Option(help: ArgumentHelp("sbatch --account.", valueName: "name"))
  var account: String?

  @Option(help: "Array tasks running at once (sbatch --array=...%N).")
  var arrayParallelism: Int?

  @Option(help: "Array tasks to split the runs over (default: one per run).")
  var tasks: Int?

  @Option(
    help: ArgumentHelp(
      "Any other sbatch option, as one argument (--sbatch-arg=--mem=2G); repeatable.",
      valueName: "arg"))
  var sbatchArg: [String] = []

  @Flag(help: "Wait for the merge job, then print its comparison (exit status: its own).")
  var wait = false

  func validate() throws {
    let slurmOnly = [
      shardDir != nil, partition != nil, time != nil, account != nil, arrayParallelism != nil,
      tasks != nil, !sbatchArg.isEmpty, wait,
    ]
    if !slurm, slurmOnly.contains(true) {
      throw ValidationError("the Slurm options (--shard-dir, --wait, ...) need --slurm")
    }
    if let n = arrayParallelism, n < 1 {
      throw ValidationError("--array-parallelism \(n) is not valid; give at least 1")
    }
    if let n = tasks, n < 1 { throw ValidationError("--tasks \(n) is not valid; give at least 1") }
  }
}

/// What the final job needs, written as JSON beside the job's files.
struct SlurmPlan: Codable {
  struct Cell: Codable {
    var label: String
    var runID: String
    var task: Int
  }
  /// Absolute paths.
  var database: String
  var shardDir: String
  var cells: [Cell]
  /// Completed runs of cells skipped at submission, compared with the others.
  var skippedIDs: [String]
  var optimizerOrder: [String]
  /// The comparison's format; nil: no comparison (tune reports itself).
  var format: String?
}

struct SlurmSubmission {
  let cells: [SweepCell]
  let databasePath: String
  let options: SlurmOptions
  let optimizerOrder: [String]
  let format: String?
  /// The statuses that make a cell done, so it is not submitted again (tune
  /// counts a diverged run as a result).
  var finished: [RunStatus] = [.completed]
  /// The sweep's --tag, added to the runs that make cells done (as a local sweep does).
  var tags: [(key: String, value: String)] = []
  /// The command, for the job name and task.sh.
  var command = "sweep"

  /// The submitted jobs; nil when every cell was already completed.
  struct Jobs {
    var array: String
    var final: String
    var output: String
    var finalStatus: Int32?
  }

  /// Merges earlier shards, skips completed cells, writes the task script and the
  /// plan, and submits the array and the final job (waiting for it with --wait).
  func submit(store: RunStore) throws -> (jobs: Jobs?, skippedIDs: [String]) {
    let database = URL(fileURLWithPath: databasePath).standardizedFileURL.path
    let shards = URL(fileURLWithPath: options.shardDir ?? database + ".shards").standardizedFileURL
    try FileManager.default.createDirectory(at: shards, withIntermediateDirectories: true)
    // Runs completed by an earlier submission whose merge job did not run yet.
    for shard in try Self.shardFiles(in: shards) {
      let result = try store.merge(from: shard)
      if !result.merged.isEmpty {
        printError(Tracker.Merge.line(shard, result))
      }
    }
    var todo: [SweepCell] = []
    var skipped: [String] = []
    for cell in cells {
      if let done = try cell.doneRun(in: store, statuses: finished, tags: tags) {
        skipped.append(done.id)
      } else {
        todo.append(cell)
      }
    }
    guard !todo.isEmpty else { return (nil, skipped) }
    if !skipped.isEmpty {
      printError("skipping \(skipped.count) of \(cells.count) runs, already completed")
    }

    let taskCount = min(options.tasks ?? todo.count, todo.count)
    let folder = shards.appendingPathComponent(
      "job-\(Self.stamp())-\(UUID().uuidString.prefix(8).lowercased())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let planned = todo.enumerated().map { index, cell in
      (
        cell,
        SlurmPlan.Cell(
          label: cell.label, runID: UUID().uuidString.lowercased(), task: index % taskCount)
      )
    }
    let plan = SlurmPlan(
      database: database, shardDir: shards.path, cells: planned.map(\.1), skippedIDs: skipped,
      optimizerOrder: optimizerOrder, format: format)
    let planFile = folder.appendingPathComponent("plan.json")
    try JSONEncoder().encode(plan).write(to: planFile)
    let script = folder.appendingPathComponent("task.sh")
    try taskScript(planned, shards: shards.path).write(
      to: script, atomically: true, encoding: .utf8)

    var array = ["--parsable", "--job-name=tracker-\(command)", "--array=0-\(taskCount - 1)"]
    if let n = options.arrayParallelism { array[2] += "%\(n)" }
    array += ["--output=\(folder.path)/task-%A_%a.out"] + common() + timeLimit() + [script.path]
    let arrayJob = try Self.sbatch(array)

    let finish = [
      SweepRunner.executable, "slurm-finish", "--plan", planFile.path, "--array-job", arrayJob,
    ].map(shellQuoted).joined(separator: " ")
    let output = "\(folder.path)/merge-\(arrayJob).out"
    var final = [
      "--parsable", "--job-name=tracker-merge", "--dependency=afterany:\(arrayJob)",
      "--output=\(output)",
    ]
    final += common() + (options.wait ? ["--wait"] : []) + ["--wrap", finish]
    printError(
      "submitted \(todo.count) runs as Slurm array job \(arrayJob) (\(taskCount) tasks);"
        + " shards in \(shards.path)")
    if options.wait {
      let (finalJob, status) = try Self.sbatchWaiting(final)
      return (Jobs(array: arrayJob, final: finalJob, output: output, finalStatus: status), skipped)
    }
    let finalJob = try Self.sbatch(final)
    return (Jobs(array: arrayJob, final: finalJob, output: output), skipped)
  }

  /// Options every job gets: partition, account and the extra sbatch arguments.
  private func common() -> [String] {
    (options.partition.map { ["--partition=\($0)"] } ?? [])
      + (options.account.map { ["--account=\($0)"] } ?? []) + options.sbatchArg
  }

  private func timeLimit() -> [String] { options.time.map { ["--time=\($0)"] } ?? [] }

  /// The array task: runs its cells one after another into its own shard, each
  /// under the run id the plan chose, so the final job finds every cell's run.
  /// A failed run does not stop the next; the task fails if any run failed.
  private func taskScript(_ planned: [(SweepCell, SlurmPlan.Cell)], shards: String) -> String {
    var text = """
      #!/bin/bash
      # Written by 'tracker \(command) --slurm': one array task per case below.
      shard=\(shellQuoted(shards))/shard-${SLURM_ARRAY_JOB_ID}-${SLURM_ARRAY_TASK_ID}.sqlite
      status=0
      case "$SLURM_ARRAY_TASK_ID" in

      """
    let byTask = Dictionary(grouping: planned, by: { $0.1.task })
    for task in byTask.keys.sorted() {
      text += "  \(task))\n"
      for (cell, planCell) in byTask[task]! {
        let command =
          [SweepRunner.executable, "run", "--quiet", "--run-id", planCell.runID]
          + cell.arguments
        text += "    echo \(shellQuoted("run \(planCell.runID): \(cell.label)"))\n"
        text +=
          "    \(command.map(shellQuoted).joined(separator: " ")) --db \"$shard\" || status=1\n"
      }
      text += "    ;;\n"
    }
    return text + "esac\nexit $status\n"
  }

  // MARK: - Files and commands

  /// The shard databases in `folder` (not their -wal/-shm files).
  static func shardFiles(in folder: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasPrefix("shard-") && $0.hasSuffix(".sqlite") }.sorted()
      .map { folder.appendingPathComponent($0).path }
  }

  private static func stamp() -> String {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: Date())
  }

  /// Runs `sbatch arguments` and returns the job id it prints (--parsable:
  /// "id" or "id;cluster").
  static func sbatch(_ arguments: [String]) throws -> String {
    let (status, output, errors) = try SlurmCommand.run("sbatch", arguments)
    guard status == 0, let id = output.split(separator: ";").first.map(String.init), !id.isEmpty
    else {
      throw InputError(
        "sbatch failed (\(errors.trimmingCharacters(in: .whitespacesAndNewlines)));"
          + " check the Slurm options, or run 'sinfo' to see the cluster")
    }
    return id.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// `sbatch --wait`: returns the job id and the job's exit status.
  static func sbatchWaiting(_ arguments: [String]) throws -> (String, Int32) {
    let (status, output, errors) = try SlurmCommand.run("sbatch", arguments)
    let id = output.split(separator: ";").first.map {
      $0.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    guard let id, !id.isEmpty else {
      throw InputError(
        "sbatch failed (\(errors.trimmingCharacters(in: .whitespacesAndNewlines)));"
          + " check the Slurm options, or run 'sinfo' to see the cluster")
    }
    return (id, status)
  }
}

/// Running Slurm's command-line tools.
enum SlurmCommand {
  /// Runs `tool arguments` found on PATH; returns its exit status, stdout and stderr.
  static func run(_ tool: String, _ arguments: [String]) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    do {
      try process.run()
    } catch {
      throw InputError("cannot run \(tool): \(error); is Slurm installed on this machine?")
    }
    // Read both before waiting: a full pipe would block the child.
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    if process.terminationStatus == 127 {
      throw InputError(
        "\(tool) not found; run on a Slurm login node (or scripts/slurm-local start)")
    }
    return (
      process.terminationStatus, String(decoding: output, as: UTF8.self),
      String(decoding: errors, as: UTF8.self)
    )
  }
}
