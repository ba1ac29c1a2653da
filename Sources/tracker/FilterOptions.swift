// Options that select runs, shared by compare and list: --where, --tag,
// --status. They become a TrackerStore.RunFilter; the SQL is built there.
import ArgumentParser
import TrackerEngine
import TrackerStore

/// `--status`: one of the stored statuses, or `all`.
enum StatusChoice: String, CaseIterable, ExpressibleByArgument {
  case completed, running, failed, interrupted, diverged, all
}

struct FilterOptions: ParsableArguments {
  @Option(
    name: .customLong("where"),
    help: ArgumentHelp(
      "Only runs where KEY OP VALUE holds (OP: = != < <= > >=), or 'KEY in (A,B)'; repeatable"
        + " (all must hold). Keys: \(RunField.filterable.map(\.name).joined(separator: ", "))."
        + " Accuracies are fractions (0.9) or percentages (90%); see docs/querying.md.",
      valueName: "condition"))
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
    let predicates = try conditions.map(WhereCondition.init(parsing:))
    // The same message for a mistyped optimizer as everywhere else.
    for (text, predicate) in zip(conditions, predicates) where predicate.field == .optimizer {
      for case .text(let name) in predicate.values where OptimizerKind(rawValue: name) == nil {
        throw StoreError("--where '\(text)': " + OptimizerName.unknown(name))
      }
    }
    // --where status=... chooses the statuses itself: the command's default
    // (compare: completed) would contradict it.
    let choosesStatus = predicates.contains { $0.field == .status }
    let statuses: [RunStatus] =
      status.isEmpty
      ? (choosesStatus ? [] : defaultStatuses)
      : status.contains(.all) ? [] : status.compactMap { RunStatus(rawValue: $0.rawValue) }
    var filter = RunFilter(
      optimizers: optimizers, statuses: statuses,
      tags: tag.map { (key: $0.key, value: $0.value) })
    filter.predicates = predicates
    return filter
  }

  /// "completed runs" / "runs" (any status) / "failed or diverged runs", for messages.
  static func describe(_ statuses: [RunStatus]) -> String {
    statuses.isEmpty ? "runs" : statuses.map(\.rawValue).joined(separator: " or ") + " runs"
  }
}
