// RunComparison+GroupBy: groups by chosen settings only (`--group-by`), which
// pools runs that differ in the others, and the order of groups (`compare
// --sort`). No SQL.
import Foundation

/// A setting runs can be grouped by: the optimizer or a hyperparameter.
public enum GroupKey: Hashable, Sendable {
  case optimizer
  case parameter(HyperParameter)

  public var name: String {
    switch self {
    case .optimizer: "optimizer"
    case .parameter(let parameter): parameter.rawValue
    }
  }

  /// Every key `--group-by` accepts; the seed is not one: seeds are what a
  /// group repeats.
  public static let all: [GroupKey] = [.optimizer] + HyperParameter.grouping.map(GroupKey.parameter)

  /// Parses `--group-by`'s comma-separated keys (duplicates dropped).
  ///
  /// - Throws: a one-line `StoreError` naming an unknown key and the valid ones.
  public static func list(parsing text: String) throws -> [GroupKey] {
    let names = all.map(\.name)
    var keys: [GroupKey] = []
    for item in text.split(separator: ",", omittingEmptySubsequences: false) {
      let word = item.trimmingCharacters(in: .whitespaces)
      let wanted = word.replacingOccurrences(of: "-", with: "_").lowercased()
      guard let key = all.first(where: { $0.name == wanted }) else {
        if wanted == "seed" {
          throw StoreError(
            "--group-by '\(text)': seed is not a group key (a group's runs differ by seed);"
              + " see the runs with 'tracker list'")
        }
        let guess = Suggestion.closest(to: wanted, among: names).map { "did you mean '\($0)'? " }
        throw StoreError(
          "--group-by '\(text)': unknown key '\(word)'; \(guess ?? "")valid keys: "
            + names.joined(separator: ", "))
      }
      if !keys.contains(key) { keys.append(key) }
    }
    return keys
  }

  func value(_ run: StoredRun) -> SQLValue {
    switch self {
    case .optimizer: .text(run.optimizer)
    case .parameter(let parameter): run[parameter]
    }
  }
}

extension RunComparison {
  /// Groups `runs` by `keys` only: runs that agree on them share a group
  /// whatever their other settings, so its statistics mix those settings
  /// (`pooled` names them). A group's value of a setting outside `keys` is
  /// the one its runs share, else NULL; its optimizer is "mixed" when its
  /// runs have several. Groups come in the order of `optimizerOrder`, then
  /// by value; each is labelled by the keys whose values differ among them.
  public static func groups(
    _ runs: [StoredRun], by keys: [GroupKey], optimizerOrder: [String] = []
  ) -> [RunGroup] {
    var byKey: [[SQLValue]: [StoredRun]] = [:]
    var order: [[SQLValue]] = []
    for run in runs {
      let key = keys.map { $0.value(run) }
      if byKey[key] == nil { order.append(key) }
      byKey[key, default: []].append(run)
    }
    func rank(_ value: SQLValue) -> Int {
      guard case .text(let name) = value else { return optimizerOrder.count }
      return optimizerOrder.firstIndex(of: name) ?? optimizerOrder.count
    }
    order.sort { a, b in
      for (index, key) in keys.enumerated() where a[index] != b[index] {
        if key == .optimizer, rank(a[index]) != rank(b[index]) {
          return rank(a[index]) < rank(b[index])
        }
        return SQLValue.sortsBefore(a[index], b[index])
      }
      return false
    }
    var groups = order.map { key -> RunGroup in
      let members = byKey[key]!
      let optimizers = Set(members.map(\.optimizer))
      let values = HyperParameter.grouping.map { parameter in
        Set(members.map { $0[parameter] }).count == 1 ? members[0][parameter] : .null
      }
      return RunGroup(
        optimizer: optimizers.count == 1 ? members[0].optimizer : "mixed", key: values,
        runs: members)
    }
    // Label by the keys that tell groups apart; by all of them when that
    // would leave labels empty or equal.
    func labels(_ shown: [Int]) -> [String] {
      order.map { key in
        shown.map { index in
          let value = key[index]
          guard case .parameter(let parameter) = keys[index] else {
            if case .text(let name) = value { return name }
            return "?"
          }
          return "\(parameter.rawValue)=\(parameter.display(value) ?? "none")"
        }.joined(separator: " ")
      }
    }
    let varying = keys.indices.filter { index in Set(order.map { $0[index] }).count > 1 }
    var result = labels(varying)
    if result.contains(where: \.isEmpty) || Set(result).count < result.count {
      result = labels(Array(keys.indices))
    }
    for index in groups.indices { groups[index].label = result[index] }
    return groups
  }

  /// The settings that differ among the runs of some group: what a
  /// `--group-by` pooled (the optimizer first); empty for seed-only groups.
  public static func pooled(_ groups: [RunGroup]) -> [String] {
    let optimizer = groups.contains { Set($0.runs.map(\.optimizer)).count > 1 }
    let parameters = HyperParameter.grouping.filter { parameter in
      groups.contains { Set($0.runs.map { $0[parameter] }).count > 1 }
    }
    return (optimizer ? ["optimizer"] : []) + parameters.map(\.rawValue)
  }

  /// "Pooled: runs differing in lr, hidden share a group, so its statistics
  /// mix those settings.", or nil when no group pools anything.
  public static func pooledNote(_ groups: [RunGroup]) -> String? {
    let settings = pooled(groups)
    guard !settings.isEmpty else { return nil }
    return "Grouped by the label's settings only: runs differing in "
      + settings.joined(separator: ", ") + " are pooled, so a group's statistics mix them."
  }
}

// MARK: - Order of groups

/// `compare --sort KEY[:desc]`: how to order the groups.
public struct GroupOrder: Sendable {
  public enum Key: String, CaseIterable, Sendable {
    case label, optimizer, runs
    /// Mean final test accuracy.
    case acc
    /// Best test accuracy (the maximum over the group's runs).
    case best
    /// Median learning start.
    case start
    /// Mean final loss.
    case loss
    /// Mean duration.
    case time
  }

  public let key: Key
  public let descending: Bool

  /// Parses `KEY`, `KEY:asc` or `KEY:desc`.
  ///
  /// - Throws: a one-line `StoreError` naming the valid keys.
  public init(parsing text: String) throws {
    let parts = text.split(separator: ":", maxSplits: 1).map {
      $0.trimmingCharacters(in: .whitespaces).lowercased()
    }
    let names = Key.allCases.map(\.rawValue)
    guard let word = parts.first, let key = Key(rawValue: word) else {
      let guess = Suggestion.closest(to: parts.first ?? "", among: names)
      throw StoreError(
        "--sort '\(text)': unknown key '\(parts.first ?? "")'; "
          + (guess.map { "did you mean '\($0)'? " } ?? "") + "valid keys: "
          + names.joined(separator: ", "))
    }
    guard parts.count == 1 || ["asc", "desc"].contains(parts[1]) else {
      throw StoreError(
        "--sort '\(text)': '\(parts[1])' is not a direction; write \(word):desc or \(word):asc")
    }
    self.key = key
    descending = parts.count > 1 && parts[1] == "desc"
  }

  /// `groups` in this order; stable, and groups without a value last.
  public func sorted(_ groups: [RunGroup]) -> [RunGroup] {
    func number(_ group: RunGroup) -> Double? {
      switch key {
      case .label, .optimizer: nil
      case .runs: Double(group.runs.count)
      case .acc: group.finalTestAccuracy?.mean
      case .best: group.bestTestAccuracy?.maximum
      case .start: group.learningStartMedian
      case .loss: group.finalLoss?.mean
      case .time: group.duration?.mean
      }
    }
    func text(_ group: RunGroup) -> String { key == .optimizer ? group.optimizer : group.label }
    let indexed = Array(groups.enumerated())
    return indexed.sorted { a, b in
      if key == .label || key == .optimizer {
        let (x, y) = (text(a.element), text(b.element))
        if x != y { return descending ? x > y : x < y }
      } else {
        switch (number(a.element), number(b.element)) {
        case (let x?, let y?) where x != y: return descending ? x > y : x < y
        case (.some, nil): return true
        case (nil, .some): return false
        default: break
        }
      }
      return a.offset < b.offset
    }.map(\.element)
  }
}
