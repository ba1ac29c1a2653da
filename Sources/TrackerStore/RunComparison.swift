// RunComparison: groups runs of one configuration (they differ only by seed),
// labels each group by what sets it apart from the others, and computes the
// statistics `compare` prints per group and between two groups, over one
// sample per seed. No SQL.
import Foundation

/// Runs of one configuration (`StoredRun.configKey`: the optimizer, every
/// hyperparameter except the seed, and the data's fingerprint), and their
/// statistics.
///
/// Each seed counts once: training is bit-identical for the same settings and
/// seed, so a second run of one (a sweep re-run, a run repeated by hand) is
/// the same sample again, not new evidence. Of several, the earliest recorded
/// (lowest `seq`) is the sample, so adding a duplicate later never changes an
/// answer; the `samples` view (migration 0008) picks the same one.
public struct RunGroup: Sendable {
  public let optimizer: String
  /// The group's value of each `HyperParameter.grouping` column.
  public let parameters: [(parameter: HyperParameter, value: SQLValue)]
  /// The optimizer, then `key=value` for each parameter whose value differs
  /// among the groups compared (e.g. "sgd lr=0.1").
  public internal(set) var label: String
  /// Every stored run of the group, in the order read.
  public let runs: [StoredRun]
  /// One run per seed, the earliest recorded: what the statistics are over.
  public let samples: [StoredRun]
  /// Over the samples that have a final test accuracy (an evaluation).
  public let finalTestAccuracy: SampleStatistics?
  /// Over each sample's best test accuracy.
  public let bestTestAccuracy: SampleStatistics?
  /// Median over the samples that started learning; nil when none did.
  public let learningStartMedian: Double?
  /// Samples that never started learning (no learning start).
  public let neverStarted: Int
  public let finalLoss: SampleStatistics?
  public let duration: SampleStatistics?

  init(optimizer: String, key: [SQLValue], runs: [StoredRun]) {
    self.optimizer = optimizer
    parameters = zip(HyperParameter.grouping, key).map { ($0, $1) }
    label = optimizer
    self.runs = runs
    let samples = Self.samples(runs)
    self.samples = samples
    finalTestAccuracy = SampleStatistics(samples.compactMap(\.summary.finalTestAccuracy))
    bestTestAccuracy = SampleStatistics(samples.compactMap(\.summary.bestTestAccuracy))
    let starts = samples.compactMap(\.summary.learningStart).map(Double.init)
    learningStartMedian = SampleStatistics(starts)?.median
    neverStarted = samples.count - starts.count
    finalLoss = SampleStatistics(samples.compactMap(\.summary.finalLoss))
    duration = SampleStatistics(samples.compactMap(\.durationSeconds))
  }

  /// The earliest recorded run of each (configuration, seed) among `runs`, in
  /// their order. Within a group of one configuration that is one run per seed;
  /// a group pooled over configurations (`--group-by`) keeps one per pair.
  static func samples(_ runs: [StoredRun]) -> [StoredRun] {
    struct Sample: Hashable {
      let configKey: String
      let seed: Int64
    }
    var first: [Sample: Int64] = [:]
    for run in runs {
      let sample = Sample(configKey: run.configKey, seed: run.seed)
      if (first[sample] ?? .max) > run.seq { first[sample] = run.seq }
    }
    return runs.filter { first[Sample(configKey: $0.configKey, seed: $0.seed)] == $0.seq }
  }

  /// Distinct (configuration, seed) samples: distinct seeds within one configuration.
  public var seeds: Int { samples.count }
  /// Stored runs that repeat a seed already counted.
  public var duplicates: Int { runs.count - samples.count }
  /// Where the group's runs came from: nil for tracker's own, else an imported
  /// program (`runs.source`). Runs of different sources never share a group.
  public var source: String? { runs.first?.source }

  /// The group's value of `parameter`.
  public func value(_ parameter: HyperParameter) -> SQLValue {
    parameters.first { $0.parameter == parameter }?.value ?? .null
  }

  /// The final test accuracies the statistics (and Welch's test) were
  /// computed from: one per seed.
  public var finalTestAccuracies: [Double] { samples.compactMap(\.summary.finalTestAccuracy) }

  /// The data's fingerprint the group's runs trained on.
  public var datasetHash: String { runs.first?.datasetHash ?? "" }
}

public enum RunComparison {
  /// Groups `runs` by configuration: optimizer, every hyperparameter except
  /// the seed, and the data's fingerprint (`StoredRun.configKey`); and by source
  /// (tracker's own runs apart from each imported program's).
  ///
  /// Groups come in the order of `optimizerOrder` (names not in it follow,
  /// alphabetically), and within one optimizer by their parameter values
  /// (numbers ascending). Each group is then labelled by `label(_:)`.
  public static func groups(_ runs: [StoredRun], optimizerOrder: [String] = []) -> [RunGroup] {
    let columns = HyperParameter.grouping
    var byKey: [[SQLValue]: [StoredRun]] = [:]
    var keys: [[SQLValue]] = []
    for run in runs {
      // The columns, for the group's parameters and order; the config key, for
      // what the columns don't hold (the data's fingerprint, canonical text).
      let key =
        [.text(run.optimizer), .nullable(run.source)] + columns.map { run[$0] }
        + [.text(run.configKey)]
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
      return RunGroup(
        optimizer: optimizer, key: Array(key.dropFirst(2).dropLast()), runs: byKey[key]!)
    }
    label(&groups)
    return groups
  }

  /// Labels each group by its optimizer and the parameters that set it apart:
  /// those with two or more distinct non-NULL values among `groups` (a NULL
  /// only means the optimizer doesn't use the parameter, which the optimizer
  /// name already says). If that leaves two labels equal, every parameter
  /// that differs at all is shown, and then the data's fingerprint.
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
    // Imported runs carry their source in the label: "adam [import:numpy_reference.py]".
    func sourced(_ labels: [String]) -> [String] {
      zip(labels, groups).map { $0 + ($1.source.map { " [\($0)]" } ?? "") }
    }
    var result = sourced(labels(countingNull: false))
    if Set(result).count < result.count { result = sourced(labels(countingNull: true)) }
    if Set(result).count < result.count {
      // Same settings on different data with one label (two 'custom' sets).
      result = zip(result, groups).map { "\($0) data=\($1.datasetHash.prefix(8))" }
    }
    for index in groups.indices { groups[index].label = result[index] }
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
