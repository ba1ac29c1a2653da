// TuneAnalysis: what `tracker tune` concludes from its runs, as plain values.
// Selection: per optimizer, the learning rate with the best mean final
// *validation* accuracy over the search seeds (ties: the smaller rate; a rate
// with a missing, diverged or blown-up run never wins); a rate at either end of
// the grid is flagged. Confirmation: the selected rate's runs over every seed,
// their final *test* accuracy (mean, sd, 95% CI), runs at chance, learning start,
// time to the target, a ranking, and Welch tests against the best with Holm's
// correction. No SQL: the CLI reads the runs and hands them in.
import Foundation

public enum TuneAnalysis {
  /// The family-wise error rate the Holm-corrected tests are judged at.
  public static let alpha = 0.05

  // MARK: - Search

  /// One learning rate of one optimizer in the search: the run of each search
  /// seed, nil where there is none yet.
  public struct Point: Sendable {
    public let lr: Double
    public let runs: [StoredRun?]

    public init(lr: Double, runs: [StoredRun?]) {
      self.lr = lr
      self.runs = runs
    }

    public var missing: Int { runs.filter { $0 == nil }.count }
    /// Runs that diverged, or whose final loss or validation accuracy is not a number.
    public var blownUp: Int { runs.compactMap { $0 }.filter(Self.blewUp).count }
    /// Finished runs whose final validation accuracy stayed within the margin of
    /// always answering the most frequent class.
    public var atChance: Int { runs.compactMap { $0 }.filter(TuneAnalysis.atChance).count }
    /// The final validation accuracies of the search runs that have one.
    public var validationAccuracies: [Double] {
      runs.compactMap { $0?.summary.finalValidationAccuracy }
    }
    /// The mean final validation accuracy; nil when a run is missing or blew up:
    /// such a rate can't be selected.
    public var score: Double? {
      guard missing == 0, blownUp == 0, !runs.isEmpty else { return nil }
      let values = validationAccuracies
      return values.count == runs.count ? values.reduce(0, +) / Double(values.count) : nil
    }

    static func blewUp(_ run: StoredRun) -> Bool {
      run.status == .diverged || !(run.summary.finalLoss?.isFinite ?? false)
        || run.summary.finalValidationAccuracy == nil
    }
  }

  public enum Edge: String, Sendable {
    case low, high
  }

  /// One optimizer's search and the rate it selected.
  public struct Search: Sendable {
    public let optimizer: String
    /// By learning rate, ascending.
    public let points: [Point]
    /// The index of the selected rate in `points`; nil when no rate qualifies.
    public let selected: Int?

    public init(optimizer: String, points: [Point]) {
      self.optimizer = optimizer
      self.points = points
      selected = TuneAnalysis.best(points)
    }

    public var selectedLR: Double? { selected.map { points[$0].lr } }
    /// Set when the selected rate is the smallest or largest of the grid: the
    /// best rate may lie outside it.
    public var edge: Edge? {
      guard let selected, points.count > 1 else { return nil }
      return selected == 0 ? .low : selected == points.count - 1 ? .high : nil
    }
  }

  /// The index of the best score (ties: the smaller rate, as `points` ascend).
  static func best(_ points: [Point]) -> Int? {
    var best: Int?
    for (index, point) in points.enumerated() {
      guard let score = point.score else { continue }
      if let b = best, let top = points[b].score, score <= top { continue }
      best = index
    }
    return best
  }

  /// Below `baseline + margin` (`LearningStart`): no better than always
  /// answering the most frequent class. Uses the validation accuracy when
  /// `validation`, else the test accuracy.
  static func atChance(_ run: StoredRun) -> Bool { atChance(run, validation: true) }

  static func atChance(_ run: StoredRun, validation: Bool) -> Bool {
    let accuracy =
      validation ? run.summary.finalValidationAccuracy : run.summary.finalTestAccuracy
    guard let accuracy, let baseline = run.summary.baseline else { return false }
    return accuracy < baseline + LearningStart.defaultMargin
  }

  // MARK: - Confirmation

  /// A confirm run and the first evaluation whose test accuracy reached the
  /// tune's target (nil: never).
  public struct ConfirmRun: Sendable {
    public let run: StoredRun
    public let timeToTarget: Int?

    public init(run: StoredRun, timeToTarget: Int?) {
      self.run = run
      self.timeToTarget = timeToTarget
    }
  }

  /// The selected rate's runs over every seed, and their statistics.
  public struct Result: Sendable {
    public let search: Search
    /// Completed confirm runs, in seed order.
    public let runs: [ConfirmRun]
    /// Confirm runs that diverged (left out of the statistics), and not yet run.
    public let diverged: Int
    public let missing: Int
    public let finalTestAccuracy: SampleStatistics?
    /// The 95% confidence interval of the mean (Student t, n - 1 degrees of
    /// freedom); nil for fewer than two runs.
    public let confidenceInterval: ClosedRange<Double>?
    /// Seeds whose final test accuracy stayed at chance.
    public let seedsAtChance: [Int64]
    public let learningStartMedian: Double?
    public let neverStarted: Int
    /// The median over runs of `timeToTarget`, a run that never reached it
    /// counting as later than any; nil when that median is "never".
    public let timeToTargetMedian: Double?
    public let reachedTarget: Int
    /// 1 for the best mean final test accuracy; nil without runs.
    public internal(set) var rank: Int?
    /// Against the best optimizer (nil for the best itself, or when there is
    /// no test): Welch's test of best minus this one, and its Holm-adjusted p.
    public internal(set) var versusBest: (welch: WelchTest, adjustedP: Double)?

    init(search: Search, runs: [ConfirmRun], diverged: Int, missing: Int) {
      self.search = search
      self.runs = runs
      self.diverged = diverged
      self.missing = missing
      let accuracies = runs.compactMap(\.run.summary.finalTestAccuracy)
      let stats = SampleStatistics(accuracies)
      finalTestAccuracy = stats
      if let stats, let sd = stats.standardDeviation {
        let half =
          StudentT.quantile(0.975, degreesOfFreedom: Double(stats.count - 1)) * sd
          / Double(stats.count).squareRoot()
        confidenceInterval = (stats.mean - half)...(stats.mean + half)
      } else {
        confidenceInterval = nil
      }
      seedsAtChance = runs.filter { TuneAnalysis.atChance($0.run, validation: false) }
        .map(\.run.seed)
      let starts = runs.compactMap(\.run.summary.learningStart).map(Double.init)
      learningStartMedian = SampleStatistics(starts)?.median
      neverStarted = runs.count - starts.count
      let times = runs.map { $0.timeToTarget.map(Double.init) ?? .infinity }
      let median = SampleStatistics(times)?.median
      timeToTargetMedian = median.flatMap { $0.isFinite ? $0 : nil }
      reachedTarget = runs.filter { $0.timeToTarget != nil }.count
    }

    public var optimizer: String { search.optimizer }
    public var finalTestAccuracies: [Double] {
      runs.compactMap(\.run.summary.finalTestAccuracy)
    }
  }

  /// Ranks `results` by mean final test accuracy (best first; those without
  /// runs last, in the order given) and tests each against the best, with
  /// Holm's step-down correction over those tests.
  public static func ranked(_ results: [Result]) -> [Result] {
    let order = results.indices.sorted { a, b in
      let (ma, mb) = (results[a].finalTestAccuracy?.mean, results[b].finalTestAccuracy?.mean)
      switch (ma, mb) {
      case (let x?, let y?): return x != y ? x > y : a < b
      case (.some, nil): return true
      case (nil, .some): return false
      case (nil, nil): return a < b
      }
    }
    var ranked = order.map { results[$0] }
    for index in ranked.indices where ranked[index].finalTestAccuracy != nil {
      ranked[index].rank = index + 1
    }
    guard let best = ranked.first, best.finalTestAccuracy != nil else { return ranked }
    var tests: [(index: Int, welch: WelchTest)] = []
    for index in ranked.indices.dropFirst() {
      if let welch = WelchTest(best.finalTestAccuracies, ranked[index].finalTestAccuracies) {
        tests.append((index, welch))
      }
    }
    let adjusted = holm(tests.map(\.welch.pValue))
    for (k, test) in tests.enumerated() {
      ranked[test.index].versusBest = (test.welch, adjusted[k])
    }
    return ranked
  }

  /// Holm's step-down adjusted p-values, in the order given: sorted ascending,
  /// the i-th smallest (from 0) is multiplied by m - i, made non-decreasing, and
  /// capped at 1. Rejecting where the adjusted p < alpha keeps the family-wise
  /// error rate at alpha (Holm 1979).
  public static func holm(_ p: [Double]) -> [Double] {
    let m = p.count
    var adjusted = [Double](repeating: 1, count: m)
    var running = 0.0
    for (i, index) in p.indices.sorted(by: { p[$0] < p[$1] }).enumerated() {
      running = max(running, min(1, Double(m - i) * p[index]))
      adjusted[index] = running
    }
    return adjusted
  }

  /// The result of `search`'s selected rate from its confirm runs (nil where
  /// a seed has none yet), completed ones in the statistics.
  public static func confirm(_ search: Search, runs: [ConfirmRun?]) -> Result {
    let finished = runs.compactMap { $0 }
    return Result(
      search: search, runs: finished.filter { $0.run.status == .completed },
      diverged: finished.filter { $0.run.status != .completed }.count,
      missing: runs.count - finished.count)
  }
}
