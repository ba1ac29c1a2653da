// GroupingOptions: `--group-by`, shared by compare, plot and report: group by
// the settings named instead of by every setting but the seed.
import ArgumentParser
import TrackerStore

struct GroupingOptions: ParsableArguments {
  @Option(
    name: .customLong("group-by"),
    help: ArgumentHelp(
      "Group by these settings only (comma-separated: optimizer and hyperparameters), pooling"
        + " runs that differ in the others; the output says which settings were pooled.",
      valueName: "keys"))
  var groupBy: String?

  /// The keys, or nil for the usual grouping (every setting but the seed).
  ///
  /// - Throws: a one-line `StoreError` for an unknown key.
  func keys() throws -> [GroupKey]? {
    try groupBy.map(GroupKey.list(parsing:))
  }
}
