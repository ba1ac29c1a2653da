// RunCurves: the metric curves that `plot`, `report` and the sparklines of
// `compare` draw: runs' loss or accuracies by iteration, and per-iteration
// mean, minimum and maximum over a group of runs (the line and band of a plot).
import Foundation

/// A metric stored by iteration: the loss of every iteration (`losses`) or an
/// accuracy of every evaluation (`evals`).
public enum CurveMetric: String, CaseIterable, Sendable {
  case loss
  case trainAccuracy = "train_acc"
  case testAccuracy = "test_acc"

  /// Table and column; SQL is built from these names only, never from input.
  var table: String { self == .loss ? "losses" : "evals" }
  var column: String { self == .loss ? "loss" : rawValue }
}

/// One value of a metric at one iteration.
public struct CurvePoint: Sendable, Equatable {
  public var iteration: Int
  public var value: Double

  public init(iteration: Int, value: Double) {
    self.iteration = iteration
    self.value = value
  }
}

/// A metric at one iteration over several runs.
public struct BandPoint: Sendable, Equatable {
  public var iteration: Int
  public var mean: Double
  public var minimum: Double
  public var maximum: Double
  /// How many runs have a value here (a NaN/inf loss is stored NULL and left out).
  public var runs: Int

  public init(iteration: Int, mean: Double, minimum: Double, maximum: Double, runs: Int) {
    self.iteration = iteration
    self.mean = mean
    self.minimum = minimum
    self.maximum = maximum
    self.runs = runs
  }
}

extension RunStore {
  /// Bound parameters per statement: well below SQLite's smallest default
  /// limit of 999 (https://sqlite.org/limits.html#max_variable_number).
  static let seqsPerStatement = 500

  /// `metric` of each of `runs`, by run `seq`, each sorted by iteration. Loss
  /// rows that are NULL (NaN or infinite) are left out. One range read of the
  /// metric table's primary key per run.
  public func curves(_ metric: CurveMetric, of runs: [StoredRun]) throws -> [Int64: [CurvePoint]] {
    let sql = """
      SELECT iter, \(metric.column) FROM \(metric.table)
      WHERE run_seq = ? AND \(metric.column) IS NOT NULL ORDER BY iter
      """
    return try database.read {
      let select = try statement(sql)
      var result: [Int64: [CurvePoint]] = [:]
      for run in runs {
        var points: [CurvePoint] = []
        try select.forEachRow([.integer(run.seq)]) {
          points.append(CurvePoint(iteration: Int($0.int64(0)), value: $0.double(1)))
        }
        result[run.seq] = points
      }
      return result
    }
  }

  /// `metric` of one run, sorted by iteration (see `curves(_:of:)`).
  public func curve(_ metric: CurveMetric, of run: StoredRun) throws -> [CurvePoint] {
    try curves(metric, of: [run])[run.seq] ?? []
  }

  /// For every iteration at which any of `runs` has a value of `metric`: the
  /// mean, minimum and maximum over those runs, sorted by iteration.
  ///
  /// SQLite aggregates (a plot of thousands of runs reads millions of loss
  /// rows); runs are bound in chunks and the chunks' sums merged here.
  public func band(_ metric: CurveMetric, over runs: [StoredRun]) throws -> [BandPoint] {
    var sums: [Int: (total: Double, count: Int, minimum: Double, maximum: Double)] = [:]
    try database.read {
      for start in stride(from: 0, to: runs.count, by: Self.seqsPerStatement) {
        let chunk = runs[start..<min(runs.count, start + Self.seqsPerStatement)]
        let column = metric.column
        let sql = """
          SELECT iter, total(\(column)), count(\(column)), min(\(column)), max(\(column))
          FROM \(metric.table) WHERE run_seq IN (\(placeholders(chunk.count)))
          AND \(column) IS NOT NULL GROUP BY iter
          """
        // Not cached: the SQL varies with the chunk size.
        try database.prepare(sql).forEachRow(chunk.map { .integer($0.seq) }) { row in
          let iteration = Int(row.int64(0))
          let (total, count) = (row.double(1), Int(row.int64(2)))
          let (low, high) = (row.double(3), row.double(4))
          if let old = sums[iteration] {
            sums[iteration] = (
              old.total + total, old.count + count, min(old.minimum, low), max(old.maximum, high)
            )
          } else {
            sums[iteration] = (total, count, low, high)
          }
        }
      }
    }
    return sums.keys.sorted().map { iteration in
      let s = sums[iteration]!
      return BandPoint(
        iteration: iteration, mean: s.total / Double(s.count), minimum: s.minimum,
        maximum: s.maximum, runs: s.count)
    }
  }

  /// `band(_:over:)` of each group's samples (one run per seed), in the order
  /// of `groups`. A group of more than `runsPerGroup` samples is thinned: runs
  /// evenly spaced over the group (in its order), not its first ones.
  public func bands(_ metric: CurveMetric, of groups: [RunGroup], runsPerGroup: Int = .max)
    throws -> [[BandPoint]]
  {
    precondition(runsPerGroup > 0, "runsPerGroup must be positive")
    return try groups.map { group in
      var runs = group.samples
      if runs.count > runsPerGroup {
        runs = (0..<runsPerGroup).map { group.samples[$0 * group.samples.count / runsPerGroup] }
      }
      return try band(metric, over: runs)
    }
  }
}
