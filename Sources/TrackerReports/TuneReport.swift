// TuneReport: `tracker tune` output in each --format: one row per optimizer (its
// selected learning rate and the confirm runs' final test accuracy), ranked,
// with the Holm-corrected Welch tests against the best; the table and Markdown
// add the search grid (mean final validation accuracy per rate) and notes on
// what to watch for: a rate at the edge of the grid, runs at chance. The JSON
// keys are documented in docs/tune.md (a test holds the two together).
import Foundation
import TrackerStore

public struct TuneReport: FormattedReport {
  public let name: String
  public let definition: TuneDefinition
  /// Ranked (`TuneAnalysis.ranked`).
  public let results: [TuneAnalysis.Result]

  public init(name: String, definition: TuneDefinition, results: [TuneAnalysis.Result]) {
    self.name = name
    self.definition = definition
    self.results = results
  }

  // MARK: - For people

  public static func lr(_ value: Double?) -> String {
    value.map { String(format: "%g", $0) } ?? "-"
  }

  private var tested: Int { results.filter { $0.versusBest != nil }.count }

  private func cells(_ r: TuneAnalysis.Result) -> [String] {
    let a = r.finalTestAccuracy
    let search = r.search.selected.flatMap { r.search.points[$0].score }
    let ci = r.confidenceInterval.map {
      "\(Format.percent($0.lowerBound))-\(Format.percent($0.upperBound))"
    }
    let p = r.versusBest.map {
      Format.pValue($0.adjustedP) + ($0.adjustedP < TuneAnalysis.alpha ? " *" : "")
    }
    let time =
      r.runs.isEmpty ? "-" : r.timeToTargetMedian.map { Format.iteration($0) } ?? "never"
    return [
      r.rank.map(String.init) ?? "-", r.optimizer,
      Self.lr(r.search.selectedLR) + (r.search.edge == nil ? "" : " (edge)"),
      Format.percent(search), String(r.runs.count), Format.percent(a?.mean),
      Format.percent(a?.standardDeviation), ci ?? "-", Format.percent(a?.minimum),
      Format.percent(a?.maximum), String(r.seedsAtChance.count),
      Format.iteration(r.learningStartMedian), time, p ?? (r.rank == 1 ? "best" : "-"),
    ]
  }

  private static let titles = [
    "rank", "optimizer", "lr", "val acc %", "runs", "mean", "sd", "95% CI", "min", "max",
    "at chance", "learning start", "time to target", "p vs best",
  ]

  public func table() -> String {
    typealias Column = TextTable.Column
    let target = Format.plain((definition.target * 1000).rounded() / 10)
    var table = TextTable(
      columns: [
        Column(title: "rank"), Column(title: "optimizer", alignment: .left),
        Column(title: "lr", top: "selected"), Column(title: "val %", top: "search"),
        Column(title: "runs"), Column(title: "mean"), Column(title: "sd"), Column(title: "95% CI"),
        Column(title: "min"), Column(title: "max"), Column(title: "chance", top: "at"),
        Column(title: "start", top: "learning"), Column(title: "\(target)%", top: "time to"),
        Column(title: "p (Holm)", top: "vs best"),
      ],
      spans: [.init(title: "final test acc %", columns: 5...9)],
      rows: results.map(cells))
    table.maximumWidth = 132
    let parts: [String] = [
      header().map { $0 + "\n" }.joined(), table.render(), searchTable().render(),
      notes().map { $0 + "\n" }.joined(),
    ]
    return parts.joined(separator: "\n")
  }

  public func markdown() -> String {
    let titles = Self.titles
    let table = Markdown.table(
      header: titles,
      rightAligned: titles.indices.map { $0 != 1 }, rows: results.map(cells))
    let grid = definition.learningRates.map(Self.lr)
    let search = Markdown.table(
      header: ["optimizer"] + grid, rightAligned: [false] + grid.map { _ in true },
      rows: results.map { [$0.optimizer] + searchCells($0.search) })
    let parts: [String] = [
      header().joined(separator: "\n"), table,
      "Search: mean final validation accuracy % per learning rate (* selected, x excluded).",
      search, notes().joined(separator: "\n"),
    ]
    return parts.joined(separator: "\n\n") + "\n"
  }

  /// What was tuned, how the rate was chosen, and how the tests were corrected.
  func header() -> [String] {
    let d = definition
    let grid =
      "\(Self.lr(d.learningRates.first))..\(Self.lr(d.learningRates.last)) (\(d.learningRates.count) rates)"
    return [
      "tune \(name): \(d.optimizers.joined(separator: ", ")); lr \(grid); search seeds \(Self.seeds(d.searchSeeds)), confirm seeds \(Self.seeds(d.seeds)); \(d.validation) training images held out for validation",
      "selected per optimizer: the lr with the best mean final VALIDATION accuracy over the search seeds",
      "(ties: the smaller lr; a rate with a diverged or blown-up search run is excluded). Test accuracy",
      "is used only below, on the confirm runs of the selected rate.",
    ]
  }

  /// "1-10", "1,3,5-7".
  public static func seeds(_ seeds: [Int64]) -> String {
    var parts: [String] = []
    var index = 0
    while index < seeds.count {
      var end = index
      while end + 1 < seeds.count, seeds[end + 1] == seeds[end] + 1 { end += 1 }
      parts.append(end > index ? "\(seeds[index])-\(seeds[end])" : "\(seeds[index])")
      index = end + 1
    }
    return parts.joined(separator: ",")
  }

  private func searchCells(_ search: TuneAnalysis.Search) -> [String] {
    search.points.enumerated().map { index, point in
      if point.missing > 0 { return "?" }
      if point.score == nil { return "x" }
      return String(format: "%.1f", point.score! * 100) + (index == search.selected ? "*" : "")
    }
  }

  func searchTable() -> TextTable {
    var table = TextTable(
      columns: [TextTable.Column(title: "lr", alignment: .left)]
        + definition.learningRates.map { TextTable.Column(title: Self.lr($0)) },
      rows: results.map { [$0.optimizer] + searchCells($0.search) })
    table.maximumWidth = 132
    return table
  }

  func notes() -> [String] {
    var lines = [
      "search grid above: mean final validation accuracy % over the search seeds; * selected,",
      "x excluded (a run diverged or blew up), ? runs missing (rerun the same command).",
      "at chance: confirm runs whose final test accuracy stayed below the majority-class baseline + \(Format.plain(LearningStart.defaultMargin)).",
      "time to target: first evaluation with test accuracy >= \(Format.plain((definition.target * 1000).rounded() / 10))%, median over seeds",
      "(runs that never reach it count as later than any; 'never' when the median run doesn't).",
      "p vs best: Welch's t-test of the best optimizer's final test accuracy against each other's,",
      "Holm-corrected over the \(tested) comparison\(tested == 1 ? "" : "s") (family-wise alpha \(Format.plain(TuneAnalysis.alpha)); * below alpha).",
    ]
    for r in results {
      let name = r.optimizer
      if let edge = r.search.edge, let lr = r.search.selectedLR {
        let way = edge == .low ? "smallest" : "largest"
        let widen = edge == .low ? "downward" : "upward"
        lines.append(
          "warning: \(name): the selected lr \(Self.lr(lr)) is the \(way) of the grid; the best rate may lie outside it: widen --lr \(widen)."
        )
      }
      if r.search.selected == nil {
        lines.append(
          "warning: \(name): no learning rate qualified (every one has a missing, diverged or blown-up run)."
        )
      }
      if !r.seedsAtChance.isEmpty {
        lines.append(
          "warning: \(name): \(r.seedsAtChance.count) of \(r.runs.count) confirm runs stayed at chance (seeds \(Self.seeds(r.seedsAtChance))): the rate is at the edge of stability; the spread (sd, min) shows it."
        )
      }
      if r.diverged > 0 {
        lines.append(
          "warning: \(name): \(r.diverged) confirm runs diverged (not in the statistics).")
      }
      if r.missing > 0 {
        lines.append(
          "\(name): \(r.missing) confirm runs missing; rerun the same command to finish them.")
      }
    }
    return lines
  }

  // MARK: - For programs

  public func json() -> String {
    let d = definition
    let root: [(String, JSONValue)] = [
      ("name", .string(name)),
      ("selection", .string("best mean final validation accuracy over the search seeds")),
      ("multiple_comparison", .string("holm")),
      ("alpha", .number(TuneAnalysis.alpha)),
      ("target", .number(d.target)),
      ("validation", .int(Int64(d.validation))),
      ("learning_rates", .array(d.learningRates.map { .number($0) })),
      ("search_seeds", .array(d.searchSeeds.map { .int($0) })),
      ("seeds", .array(d.seeds.map { .int($0) })),
      ("optimizers", .array(results.map(json))),
    ]
    return JSONValue.object(root).rendered()
  }

  private func json(_ r: TuneAnalysis.Result) -> JSONValue {
    let a = r.finalTestAccuracy
    let search = r.search.points.enumerated().map { index, point -> JSONValue in
      .object([
        ("lr", .number(point.lr)),
        ("val_acc_mean", .number(point.score)),
        ("val_acc", .array(point.validationAccuracies.map { .number($0) })),
        ("selected", .bool(index == r.search.selected)),
        ("blown_up", .int(point.blownUp)), ("at_chance", .int(point.atChance)),
        ("missing", .int(point.missing)),
      ])
    }
    let runs = r.runs.map { c -> JSONValue in
      .object([
        ("seed", .int(c.run.seed)), ("run_id", .string(c.run.id)),
        ("final_test_acc", .number(c.run.summary.finalTestAccuracy)),
        ("final_val_acc", .number(c.run.summary.finalValidationAccuracy)),
        ("learning_start", .int(c.run.summary.learningStart)),
        ("time_to_target", .int(c.timeToTarget)),
      ])
    }
    let versus: JSONValue =
      r.versusBest.map { v in
        .object([
          ("difference", .number(v.welch.difference)), ("t", .number(v.welch.t)),
          ("df", .number(v.welch.degreesOfFreedom)), ("p_value", .number(v.welch.pValue)),
          ("p_holm", .number(v.adjustedP)),
          ("significant", .bool(v.adjustedP < TuneAnalysis.alpha)),
        ])
      } ?? .null
    return .object([
      ("optimizer", .string(r.optimizer)), ("rank", .int(r.rank)),
      ("selected_lr", .number(r.search.selectedLR)),
      ("edge_of_grid", .string(r.search.edge?.rawValue)),
      ("search", .array(search)),
      ("runs", .int(r.runs.count)), ("diverged", .int(r.diverged)), ("missing", .int(r.missing)),
      ("final_test_acc_mean", .number(a?.mean)),
      ("final_test_acc_std", .number(a?.standardDeviation)),
      ("final_test_acc_ci95_low", .number(r.confidenceInterval?.lowerBound)),
      ("final_test_acc_ci95_high", .number(r.confidenceInterval?.upperBound)),
      ("final_test_acc_min", .number(a?.minimum)), ("final_test_acc_max", .number(a?.maximum)),
      ("seeds_at_chance", .array(r.seedsAtChance.map { .int($0) })),
      ("learning_start_median", .iteration(r.learningStartMedian)),
      ("never_started", .int(r.neverStarted)),
      ("time_to_target_median", .iteration(r.timeToTargetMedian)),
      ("reached_target", .int(r.reachedTarget)),
      ("versus_best", versus),
      ("confirm_runs", .array(runs)),
    ])
  }

  /// One line per optimizer; fractions as stored, empty for none.
  public func csv() -> String {
    func number(_ value: Double?) -> String { value.map { String($0) } ?? "" }
    let header = [
      "rank", "optimizer", "selected_lr", "edge_of_grid", "search_val_acc_mean", "runs",
      "diverged", "missing", "final_test_acc_mean", "final_test_acc_std",
      "final_test_acc_ci95_low", "final_test_acc_ci95_high", "final_test_acc_min",
      "final_test_acc_max", "runs_at_chance", "learning_start_median", "time_to_target_median",
      "p_value", "p_holm",
    ]
    let rows = results.map { r -> [String] in
      let a = r.finalTestAccuracy
      return [
        r.rank.map(String.init) ?? "", r.optimizer, number(r.search.selectedLR),
        r.search.edge?.rawValue ?? "",
        number(r.search.selected.flatMap { r.search.points[$0].score }), String(r.runs.count),
        String(r.diverged), String(r.missing), number(a?.mean), number(a?.standardDeviation),
        number(r.confidenceInterval?.lowerBound), number(r.confidenceInterval?.upperBound),
        number(a?.minimum), number(a?.maximum), String(r.seedsAtChance.count),
        r.learningStartMedian.map { Format.iteration($0) } ?? "",
        r.timeToTargetMedian.map { Format.iteration($0) } ?? "",
        number(r.versusBest?.welch.pValue), number(r.versusBest?.adjustedP),
      ]
    }
    return CSV.render(header: header, rows: rows)
  }
}
