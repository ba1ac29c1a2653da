// RunSelection: the one way compare, plot, report (and sweep's closing table)
// pick their runs: the optimizers named and the filter options become a
// RunFilter, the runs and the diverged runs counted beside them are read in one
// snapshot, learning starts are recomputed for the margin, and the runs are
// grouped as compare groups them. What is read here is handed to TrackerReports
// as plain values.
import TrackerEngine
import TrackerReports
import TrackerStore

struct RunSelection {
  let store: RunStore
  /// What the runs were read with.
  let filter: RunFilter
  /// The order of the groups: the optimizers named, else every optimizer.
  let optimizerOrder: [String]
  /// The selected runs, oldest first unless read `newestFirst`.
  let runs: [StoredRun]
  /// Diverged runs left out by `filter`'s statuses, counted beside the
  /// others in a note (compare's default); empty unless asked for.
  let diverged: [StoredRun]

  /// The runs of `optimizers` (every optimizer when empty; duplicates
  /// dropped) that `options` select, with `defaultStatuses` when --status is
  /// not given.
  ///
  /// - Throws: a one-line `StoreError` naming what the database holds when
  ///   nothing, or not every optimizer named, is selected.
  init(
    _ store: RunStore, optimizers: [String], options: FilterOptions,
    defaultStatuses: [RunStatus] = [.completed], countDiverged: Bool = false,
    newestFirst: Bool = false, includeTags: Bool = false
  ) throws {
    try OptimizerName.check(optimizers)
    var names: [String] = []
    for name in optimizers where !names.contains(name) { names.append(name) }
    let filter = try options.filter(optimizers: names, defaultStatuses: defaultStatuses)
    try self.init(
      store, filter: filter,
      optimizerOrder: names.isEmpty ? OptimizerKind.allCases.map(\.rawValue) : names,
      countDiverged: countDiverged, newestFirst: newestFirst, includeTags: includeTags)
    let found = Set((runs + diverged).map(\.optimizer))
    let missing = names.filter { !found.contains($0) }
    if (runs.isEmpty && diverged.isEmpty) || !missing.isEmpty {
      throw try Self.nothingToCompare(store, selection: filter, missing: missing)
    }
  }

  /// The runs `filter` selects and, with `countDiverged`, the diverged runs
  /// beside them, read in one snapshot whatever other processes write
  /// meanwhile; only those `keep` accepts. Nothing selected is no error here.
  init(
    _ store: RunStore, filter: RunFilter, optimizerOrder: [String], countDiverged: Bool,
    newestFirst: Bool = false, includeTags: Bool = false,
    keep: (StoredRun) -> Bool = { _ in true }
  ) throws {
    self.store = store
    self.filter = filter
    self.optimizerOrder = optimizerOrder
    // Diverged runs are counted in a note, not averaged in. None when the
    // statuses asked for already hold them (--status diverged or all): they
    // are then compared like the others.
    var divergedOnly = filter
    divergedOnly.statuses = [.diverged]
    let besides = countDiverged && !filter.statuses.isEmpty && !filter.statuses.contains(.diverged)
    (runs, diverged) = try store.database.read {
      (
        try store.runs(matching: filter, newestFirst: newestFirst, includeTags: includeTags)
          .filter(keep),
        besides ? try store.runs(matching: divergedOnly).filter(keep) : []
      )
    }
  }

  /// `runs` (all selected ones unless given) with their learning start for
  /// `margin`, grouped by optimizer and every hyperparameter but the seed,
  /// labelled without the settings most groups share
  /// (`RunComparison.shortenLabels`).
  ///
  /// With `keys` (`--group-by`), grouped by those settings only
  /// (`RunComparison.groups(_:by:)`), whose labels are short already.
  func groups(
    _ runs: [StoredRun]? = nil, margin: Double = LearningStart.defaultMargin,
    by keys: [GroupKey]? = nil
  ) throws -> [RunGroup] {
    var runs = runs ?? self.runs
    try store.recomputeLearningStart(&runs, margin: margin)
    if let keys { return RunComparison.groups(runs, by: keys, optimizerOrder: optimizerOrder) }
    var groups = RunComparison.groups(runs, optimizerOrder: optimizerOrder)
    RunComparison.shortenLabels(&groups)
    return groups
  }

  /// Each group's band of `metric`, over at most `runsPerGroup` of its runs.
  func curves(_ metric: CurveMetric, of groups: [RunGroup], runsPerGroup: Int = .max) throws
    -> [GroupCurve]
  {
    zip(groups, try store.bands(metric, of: groups, runsPerGroup: runsPerGroup)).map {
      GroupCurve(group: $0, band: $1)
    }
  }

  /// The curves of `metric` of every run of the groups drawn seed by seed
  /// under `mode` (`CurveCharts.drawsSeeds`), by `seq`.
  func seedCurves(_ metric: CurveMetric, of groups: [RunGroup], mode: CurveCharts.PerSeed)
    throws -> [Int64: [CurvePoint]]
  {
    let runs = groups.filter { CurveCharts.drawsSeeds($0, mode) }.flatMap(\.samples)
    return runs.isEmpty ? [:] : try store.curves(metric, of: runs)
  }

  /// `report` in `format`, then the note on diverged runs. JSON and CSV keep
  /// stdout parseable: there the note goes to stderr.
  func comparison(_ report: CompareReport, format: OutputFormat) -> String {
    let note =
      DivergedRuns.note(diverged, averaged: runs, optimizerOrder: optimizerOrder) ?? ""
    guard format == .json || format == .csv else {
      return (report.groups.isEmpty ? "" : report.render(format)) + note
    }
    if !note.isEmpty { printError(String(note.dropLast())) }
    return report.render(format)
  }

  /// Why nothing (or not every optimizer asked for) was selected, naming
  /// what the database does hold.
  static func nothingToCompare(_ store: RunStore, selection: RunFilter, missing: [String])
    throws -> StoreError
  {
    let path = store.database.path
    let total = try store.count(matching: RunFilter())
    if total == 0 {
      return StoreError("no runs in \(path) yet; record some with 'tracker run --opt adam'")
    }
    var anyOptimizer = selection
    anyOptimizer.optimizers = []
    let narrowed =
      !selection.conditions.isEmpty || !selection.predicates.isEmpty || !selection.tags.isEmpty
    let what = FilterOptions.describe(selection.statuses)
    let matching = narrowed ? " matching the filters" : ""
    let present = try store.optimizerCounts(matching: anyOptimizer)
    guard !present.isEmpty else {
      return StoreError(
        "no \(what)\(matching) in \(path) (\(Plural.count(total, "run")) in all; see 'tracker list --status all')"
      )
    }
    let names = missing.map { "'\($0)'" }.joined(separator: ", ")
    let list = present.map { "\($0.optimizer) (\($0.runs))" }.joined(separator: ", ")
    return StoreError("no \(what) of \(names)\(matching) in \(path); present: \(list)")
  }
}
