// Tune+Plan: a tune's definition becomes `tracker run` cells: the search (every
// optimizer x learning rate x search seed, evaluating only at the last iteration)
// and the confirmation (the selected rate x every seed, evaluating every
// --eval-interval). Both go through `tracker run`'s own parser (`Sweep.cell`), so
// their stored settings find their runs; and the results are read back by those
// settings, from the database alone.
import ArgumentParser
import Foundation
import TrackerEngine
import TrackerReports
import TrackerStore

/// The runs of one tune, rebuilt from its definition.
struct TunePlan {
  let name: String
  let definition: TuneDefinition
  /// Arguments for every run that don't change what it trains (--data-dir,
  /// --threads).
  let extra: [String]

  /// One search run: an optimizer, a rate of the grid, a search seed.
  struct SearchCell {
    let optimizer: String
    let lrIndex: Int
    let seedIndex: Int
    let cell: SweepCell
  }

  /// Search seeds outermost, so an interrupted search has whole grids.
  func searchCells() throws -> [SearchCell] {
    var cells: [SearchCell] = []
    for (seedIndex, seed) in definition.searchSeeds.enumerated() {
      for optimizer in definition.optimizers {
        for (lrIndex, lr) in definition.learningRates.enumerated() {
          let cell = try self.cell(
            optimizer, lr: lr, seed: seed, evalInterval: definition.iterations, stage: "search")
          cells.append(
            SearchCell(optimizer: optimizer, lrIndex: lrIndex, seedIndex: seedIndex, cell: cell))
        }
      }
    }
    return cells
  }

  /// The confirm runs of `optimizer` at `lr`, one per seed.
  func confirmCells(_ optimizer: String, lr: Double) throws -> [SweepCell] {
    try definition.seeds.map {
      try cell(
        optimizer, lr: lr, seed: $0, evalInterval: definition.evalInterval, stage: "confirm")
    }
  }

  private func cell(_ optimizer: String, lr: Double, seed: Int64, evalInterval: Int, stage: String)
    throws -> SweepCell
  {
    // `--lr=` so that a value never reads as an option.
    let arguments =
      [
        "--opt", optimizer, "--seed", String(seed), "--lr=\(TunePlan.format(lr))",
        "--iters", String(definition.iterations), "--eval-interval", String(evalInterval),
        "--validation", String(definition.validation),
      ] + definition.runArguments + ["--tag", "tune=\(name)", "--tag", "tune-stage=\(stage)"]
      + extra
    return try Tracker.Sweep.cell(
      arguments, label: "\(stage) \(optimizer) lr=\(TunePlan.format(lr)) seed \(seed)")
  }

  /// A learning rate as it is passed to `tracker run`: its shortest form that
  /// reads back as the same double (10, not 10.0).
  static func format(_ lr: Double) -> String { Format.plain(lr) }

  // MARK: - The grid

  /// `low..high` with `points` rates spaced evenly in log10, each rounded to 3
  /// significant digits (1e-4, 0.000215, 0.000464, 0.001, ...); the same text
  /// always gives the same doubles, so a resumed tune finds its runs. A comma
  /// list ("0.1,0.01") is taken as given, sorted.
  static func grid(_ text: String, points: Int) throws -> [Double] {
    func bad(_ why: String) -> ValidationError {
      ValidationError(
        "--lr '\(text)' \(why); give a range such as 1e-4..10 or a list such as 0.1,0.01")
    }
    func positive(_ part: Substring) throws -> Double {
      guard let value = Double(part.trimmingCharacters(in: .whitespaces)), value.isFinite,
        value > 0
      else { throw bad("has '\(part)', which is not a positive learning rate") }
      return value
    }
    let bounds = text.components(separatedBy: "..")
    if bounds.count == 2 {
      let (low, high) = (try positive(Substring(bounds[0])), try positive(Substring(bounds[1])))
      guard low < high else { throw bad("must go from the smaller rate to the larger") }
      guard (2...200).contains(points) else {
        throw ValidationError("--points \(points) is not valid; give 2 to 200 rates")
      }
      let (a, b) = (log10(low), log10(high))
      return (0..<points).map { i in
        let value = pow(10, a + (b - a) * Double(i) / Double(points - 1))
        return Double(String(format: "%.3g", value))!
      }
    }
    guard bounds.count == 1 else { throw bad("is not a range") }
    let values = try text.split(separator: ",", omittingEmptySubsequences: false).map(positive)
    return Array(Set(values)).sorted()
  }
}

// MARK: - Reading the results

extension TunePlan {
  /// Each optimizer's search (the finished runs at each rate and search seed)
  /// and, for the rate it selected, its confirm runs: everything the report
  /// needs, read by configuration from `store`.
  func results(_ store: RunStore) throws -> [TuneAnalysis.Result] {
    let searches = try self.searches(store)
    return TuneAnalysis.ranked(
      try searches.map { search in
        guard let lr = search.selectedLR else { return TuneAnalysis.confirm(search, runs: []) }
        let runs = try confirmCells(search.optimizer, lr: lr).map { cell in
          try store.finishedRun(cell.settings).map {
            TuneAnalysis.ConfirmRun(
              run: $0,
              timeToTarget: try store.firstIteration(
                seq: $0.seq, reachingTestAccuracy: definition.target))
          }
        }
        return TuneAnalysis.confirm(search, runs: runs)
      })
  }

  func searches(_ store: RunStore) throws -> [TuneAnalysis.Search] {
    let rates = definition.learningRates
    var found: [String: [[StoredRun?]]] = [:]
    for optimizer in definition.optimizers {
      found[optimizer] = rates.map { _ in definition.searchSeeds.map { _ in nil } }
    }
    for search in try searchCells() {
      found[search.optimizer]![search.lrIndex][search.seedIndex] = try store.finishedRun(
        search.cell.settings)
    }
    return definition.optimizers.map { optimizer in
      TuneAnalysis.Search(
        optimizer: optimizer,
        points: zip(rates, found[optimizer]!).map { TuneAnalysis.Point(lr: $0, runs: $1) })
    }
  }
}
