// RunComparison: groups runs that differ only by seed, labels each group by
// what sets it apart from the others, and computes the statistics `compare`
// prints per group and between two groups. No SQL.
import Foundation

/// Runs with the same optimizer and the same value of every hyperparameter
/// except the seed, and their statistics.
public struct RunGroup: Sendable {
  public let optimizer: String
  /// The group's value of each `HyperParameter.grouping` column.
  public let parameters: [(parameter: HyperParameter, value: SQLValue)]
  /// The optimizer, then `key=value` for each parameter whose value differs
  /// among the groups compared (e.g. "sgd lr=0.1").
  public internal(set) var label: String
  public let runs: [StoredRun]
  /// Over the runs that have a final test accuracy (an evaluation).
  public let finalTestAccuracy: SampleStatistics?
  /// Over each run's best test accuracy.
  public let bestTestAccuracy: SampleStatistics?
  /// Median over the runs that started learning; nil when none did.
  public let learningStartMedian: Double?
  /// Runs that never started learning (no learning start).
  public let neverStarted: Int
  public let finalLoss: SampleStatistics?
  public let duration: SampleStatistics?

  init(optimizer: String, key: [SQLValue], runs: [StoredRun]) {
    self.optimizer = optimizer
    parameters = zip(HyperParameter.grouping, key).map { ($0, $1) }
    label = optimizer
    self.runs = runs
    finalTestAccuracy = SampleStatistics(runs.compactMap(\.summary.finalTestAccuracy))
    bestTestAccuracy = SampleStatistics(runs.compactMap(\.summary.bestTestAccuracy))
    let starts = runs.compactMap(\.summary.learningStart).map(Double.init)
    learningStartMedian = SampleStatistics(starts)?.median
    neverStarted = runs.count - starts.count
    finalLoss = SampleStatistics(runs.compactMap(\.summary.finalLoss))
    duration = SampleStatistics(runs.compactMap(\.durationSeconds))
  }

  /// Where the group's runs came from: nil for tracker's own, else an imported
  /// program (`runs.source`). Runs of different sources never share a group.
  public var source: String? { runs.first?.source }

  /// The group's value of `parameter`.
  public func value(_ parameter: HyperParameter) -> SQLValue {
    parameters.first { $0.parameter == parameter }?.value ?? .null
  }

  /// The final test accuracies the statistics were computed from.
  public var finalTestAccuracies: [Double] { runs.compactMap(\.summary.finalTestAccuracy) }
}

public enum RunComparison {
  /// Groups `runs` by optimizer, source and every hyperparameter except the seed.
  ///
  /// Groups come in the order of `optimizerOrder` (names not in it follow,
  /// alphabetically), and within one optimizer by their parameter values
  /// (numbers ascending). Each group is then labelled by `label(_:)`.
  public static func groups(_ runs: [StoredRun], optimizerOrder: [String] = []) -> [RunGroup] {
    let columns = HyperParameter.grouping
    var byKey: [[SQLValue]: [StoredRun]] = [:]
    var keys: [[SQLValue]] = []
    for run in runs {
      let key = [.text(run.optimizer), .nullable(run.source)] + columns.map { run[$0] }
      if byKey[key] == nil { keys.append(key) }
      byKey[key, default: []].append(run)
    }
    func rank(_ optimizer: String) -> Int {
      optimizerOrder.firstIndex(of: optimizer) ?? optimizerOrder.count
    }
    keys.sort { a, b in
      guard case .text(let oa) = a[0], case .text(let ob) = b[0] else { return false }
      if rank(oa) != rank(ob) { return rank(oa) < rank(ob) }
      if oa != ob { return oa < ob }
      for (x, y) in zip(a.dropFirst(), b.dropFirst()) where x != y {
        return SQLValue.sortsBefore(x, y)
      }
      return false
    }
    var groups = keys.map { key -> RunGroup in
      guard case .text(let optimizer) = key[0] else { preconditionFailure("optimizer is text") }
      return RunGroup(optimizer: optimizer, key: Array(key.dropFirst(2)), runs: byKey[key]!)
    }
    label(&groups)
    return groups
  }

  /// Labels each group by its optimizer and the parameters that set it apart:
  /// those with two or more distinct non-NULL values among `groups` (a NULL
  /// only means the optimizer doesn't use the parameter, which the optimizer
  /// name already says). If that leaves two labels equal, every parameter
  /// that differs at all is shown.
  static func label(_ groups: inout [RunGroup]) {
    func distinct(_ parameter: HyperParameter, countingNull: Bool) -> Int {
      Set(groups.map { $0.value(parameter) }.filter { countingNull || $0 != .null }).count
    }
    func labels(countingNull: Bool) -> [String] {
      let shown = HyperParameter.grouping.filter { distinct($0, countingNull: countingNull) > 1 }
      return groups.map { group in
        ([group.optimizer]
          + shown.compactMap { parameter in
            parameter.display(group.value(parameter)).map { "\(parameter.rawValue)=\($0)" }
          }).joined(separator: " ")
      }
    }
    var result = labels(countingNull: false)
    if Set(result).count < result.count { result = labels(countingNull: true) }
    for index in groups.indices {
      groups[index].label = result[index] + (groups[index].source.map { " [\($0)]" } ?? "")
    }
  }
}

extension SQLValue {
  /// A total order for sorting groups: NULL first, then numbers ascending,
  /// then text, then blobs.
  static func sortsBefore(_ a: SQLValue, _ b: SQLValue) -> Bool {
    func rank(_ v: SQLValue) -> (Int, Double, String) {
      switch v {
      case .null: (0, 0, "")
      case .integer(let x): (1, Double(x), "")
      case .real(let x): (1, x, "")
      case .text(let x): (2, 0, x)
      case .blob(let x): (3, Double(x.count), "")
      }
    }
    let (ra, rb) = (rank(a), rank(b))
    if ra.0 != rb.0 { return ra.0 < rb.0 }
    if ra.1 != rb.1 { return ra.1 < rb.1 }
    return ra.2 < rb.2
  }
}
