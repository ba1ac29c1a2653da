// Options that select runs, shared by compare and list: --where, --tag,
// --status. They become a TrackerStore.RunFilter; the SQL is built there.
import ArgumentParser
import TrackerStore

/// `--status`: one of the stored statuses, or `all`.
enum StatusChoice: String, CaseIterable, ExpressibleByArgument {
  case completed, running, failed, interrupted, diverged, all
}

struct FilterOptions: ParsableArguments {
  @Option(
    name: .customLong("where"),
    help: ArgumentHelp(
      "Only runs whose hyperparameter column has this value; repeatable (all must hold)."
        + " Keys: \(HyperParameter.keyList).",
      valueName: "key=value"))
  var conditions: [String] = []

  @Option(help: ArgumentHelp("Only runs with this tag; repeatable.", valueName: "key=value"))
  var tag: [Tag] = []

  @Option(help: "Only runs with this status; repeatable. 'all' selects every status.")
  var status: [StatusChoice] = []

  /// The filter these options describe, for runs of `optimizers` (all when
  /// empty). `defaultStatuses` applies when --status is not given.
  ///
  /// - Throws: a one-line `StoreError` for a malformed or unknown --where key.
  func filter(optimizers: [String], defaultStatuses: [RunStatus]) throws -> RunFilter {
    let statuses: [RunStatus] =
      status.isEmpty
      ? defaultStatuses
      : status.contains(.all) ? [] : status.compactMap { RunStatus(rawValue: $0.rawValue) }
    return RunFilter(
      optimizers: optimizers, statuses: statuses,
      conditions: try conditions.map(RunFilter.condition(parsing:)),
      tags: tag.map { (key: $0.key, value: $0.value) })
  }

  /// "completed runs" / "runs" (any status) / "failed or diverged runs", for messages.
  static func describe(_ statuses: [RunStatus]) -> String {
    statuses.isEmpty ? "runs" : statuses.map(\.rawValue).joined(separator: " or ") + " runs"
  }
}
