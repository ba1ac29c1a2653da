// RunComparison+Settings: which settings a set of groups or runs share (said
// once, above a table or chart) and which differ (shown per row or per line).
// No SQL.
import Foundation

extension RunComparison {
  /// `key=value` for the optimizer when every group has the same one, then
  /// for each grouping parameter with one non-NULL value in every group:
  /// what a chart or table says once instead of in every label.
  public static func sharedSettings(_ groups: [RunGroup]) -> [String] {
    shared(groups.flatMap(\.runs))
  }

  /// `key=value` for the optimizer, when every run has the same one, and for
  /// each grouping parameter with one non-NULL value in every run.
  public static func shared(_ runs: [StoredRun]) -> [String] {
    guard let first = runs.first else { return [] }
    var settings: [String] = []
    if runs.allSatisfy({ $0.optimizer == first.optimizer }) {
      settings.append("optimizer=\(first.optimizer)")
    }
    for parameter in HyperParameter.grouping
    where runs.allSatisfy({ $0[parameter] == first[parameter] }) {
      if let text = parameter.display(first[parameter]) {
        settings.append("\(parameter.rawValue)=\(text)")
      }
    }
    return settings
  }

  /// The grouping parameters whose value differs among `runs` (NULL counts
  /// as a value: adam's beta1 beside sgd's none is a difference).
  public static func differing(_ runs: [StoredRun]) -> [HyperParameter] {
    HyperParameter.grouping.filter { parameter in Set(runs.map { $0[parameter] }).count > 1 }
  }

  /// The grouping parameters that tell `runs` apart: those that differ, but
  /// an optimizer's own setting (adam's beta1) only when it differs among
  /// that optimizer's runs, since beside sgd's none it says nothing new.
  public static func distinguishing(_ runs: [StoredRun]) -> [HyperParameter] {
    let byOptimizer = Dictionary(grouping: runs, by: \.optimizer).values
    return differing(runs).filter { parameter in
      parameter.kind != .optionalReal
        || byOptimizer.contains { Set($0.map { $0[parameter] }).count > 1 }
    }
  }

  /// `key=value` of `run`'s value of each of `parameters` that is not NULL.
  public static func settings(_ run: StoredRun, _ parameters: [HyperParameter]) -> String {
    parameters.compactMap { parameter in
      parameter.display(run[parameter]).map { "\(parameter.rawValue)=\($0)" }
    }.joined(separator: " ")
  }
}

// MARK: - Short labels

extension RunComparison {
  /// Each grouping parameter that more than half of `groups` (and at least
  /// two) share a value of, with that value: what a label may leave out when
  /// the chart or table says it once ("unless the label says otherwise").
  /// Parameters every group shares are not here (`sharedSettings`).
  public static func usual(_ groups: [RunGroup]) -> [(parameter: HyperParameter, value: SQLValue)] {
    guard groups.count > 2 else { return [] }
    return HyperParameter.grouping.compactMap { parameter in
      let values = groups.map { $0.value(parameter) }
      guard Set(values).count > 1 else { return nil }
      let counts = Dictionary(values.map { ($0, 1) }, uniquingKeysWith: +)
      guard let (value, count) = counts.max(by: { $0.value < $1.value }),
        count * 2 > groups.count, value != .null
      else { return nil }
      return (parameter, value)
    }
  }

  /// `usual(groups)` as `key=value` text.
  public static func usualSettings(_ groups: [RunGroup]) -> [String] {
    usual(groups).compactMap { item in
      item.parameter.display(item.value).map { "\(item.parameter.rawValue)=\($0)" }
    }
  }

  /// Drops from each label the `key=value` of the settings `usual(groups)`
  /// names, so a label holds only what sets its group apart ("adam lr=0.1"
  /// rather than "adam lr=0.1 batch_size=100 hidden=40,20 ..."); keeps the
  /// labels as they were when that would make two of them equal.
  public static func shortenLabels(_ groups: inout [RunGroup]) {
    let usual = usualSettings(groups)
    guard !usual.isEmpty else { return }
    let short = groups.map { group in
      group.label.split(separator: " ").map(String.init).filter { !usual.contains($0) }
        .joined(separator: " ")
    }
    guard Set(short).count == short.count else { return }
    for index in groups.indices { groups[index].label = short[index] }
  }
}
