// HyperParameter: the `runs` columns that describe how a run was trained, by
// name. They are the keys of `--where`, and (all but the seed) what makes runs
// comparable in `compare`.
import Foundation

/// A hyperparameter column of `runs`; `rawValue` is the column name, which is
/// also what users type after `--where`.
public enum HyperParameter: String, CaseIterable, Sendable {
  case seed, lr, iters
  case batchSize = "batch_size"
  case evalInterval = "eval_interval"
  case momentum
  case adagradTheta = "adagrad_theta"
  case decayRate = "decay_rate"
  case beta1, beta2, hidden, activation
  case weightInit = "weight_init"
  case batchnorm, dataset
  /// Training images held out as the validation set (migration 0006); 0: none.
  case validation

  /// How the column's values are stored and typed on the command line.
  public enum Kind: Sendable {
    /// REAL; NULL where the run's optimizer doesn't use it.
    case real, optionalReal
    case integer
    /// INTEGER 0 or 1.
    case boolean
    case text
  }

  public var kind: Kind {
    switch self {
    case .lr: .real
    case .momentum, .adagradTheta, .decayRate, .beta1, .beta2: .optionalReal
    case .seed, .iters, .batchSize, .evalInterval, .validation: .integer
    case .batchnorm: .boolean
    case .hidden, .activation, .weightInit, .dataset: .text
    }
  }

  /// The optimizer that uses this column (`runs.optimizer`); the column is NULL
  /// for every other. nil for the columns every run fills.
  public var optimizer: String? {
    switch self {
    case .momentum: "momentum"
    case .adagradTheta: "adagrad"
    case .decayRate: "rmsprop"
    case .beta1, .beta2: "adam"
    default: nil
    }
  }

  /// Every column except the seed: runs that agree on all of them (and on the
  /// optimizer) differ only by chance, so `compare` puts them in one group.
  public static let grouping = allCases.filter { $0 != .seed }

  /// The position of this column in `StoredRun.parameters`.
  var index: Int { Self.allCases.firstIndex(of: self)! }

  /// The column for a `--where` key; `-` may stand for `_` (batch-size).
  public init?(key: String) {
    self.init(rawValue: key.replacingOccurrences(of: "-", with: "_").lowercased())
  }

  /// The valid keys, for error messages.
  public static var keyList: String { allCases.map(\.rawValue).joined(separator: ", ") }

  /// `text` as a value of this column, as the store holds it: numbers for
  /// numeric columns, 0/1 for batchnorm (true/false/yes/no/on/off accepted),
  /// NULL for `null` in columns that are NULL for some optimizers.
  public func value(parsing text: String) throws -> SQLValue {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    func bad(_ expected: String) -> StoreError {
      StoreError("--where \(rawValue)=\(text): expected \(expected)")
    }
    switch kind {
    case .real, .optionalReal:
      if kind == .optionalReal, trimmed.lowercased() == "null" { return .null }
      guard let number = Double(trimmed), number.isFinite else {
        throw bad(kind == .real ? "a number" : "a number or null")
      }
      return .real(number)
    case .integer:
      guard let number = Int64(trimmed) else { throw bad("an integer") }
      return .integer(number)
    case .boolean:
      switch trimmed.lowercased() {
      case "1", "true", "yes", "on": return .integer(1)
      case "0", "false", "no", "off": return .integer(0)
      default: throw bad("true or false")
      }
    case .text:
      return .text(text)
    }
  }

  /// `value` as users write it: a number in its shortest form, true/false for
  /// batchnorm, nil for NULL. The same text parses back with `value(parsing:)`.
  public func display(_ value: SQLValue) -> String? {
    switch value {
    case .null: nil
    case .integer(let v): kind == .boolean ? (v != 0 ? "true" : "false") : String(v)
    case .real(let v): Self.format(v)
    case .text(let v): v
    case .blob(let v): "<\(v.count) bytes>"
    }
  }

  /// Shortest decimal form that reads back as the same double, without a
  /// trailing ".0" (1 rather than 1.0, 0.001 rather than 1e-03).
  static func format(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
  }
}

/// Which runs a query selects. Empty lists select everything.
public struct RunFilter: Sendable {
  /// Optimizer names (`runs.optimizer`); any of them.
  public var optimizers: [String]
  /// Any of these statuses.
  public var statuses: [RunStatus]
  /// Every condition must hold (`column IS value`, so `.null` matches NULL).
  public var conditions: [(parameter: HyperParameter, value: SQLValue)]
  /// The run must carry every one of these tags.
  public var tags: [(key: String, value: String)]
  /// Only runs that have a completed duplicate: another completed run of the
  /// same configuration (`config_key`) and seed (`list --duplicates`).
  public var duplicatesOnly = false
  /// Only runs on data with this fingerprint (`runs.dataset_hash`).
  public var datasetHash: String?
  /// Only runs tracker trained (`runs.source` NULL), not imported ones.
  public var trackerRunsOnly = false
  /// `--where` conditions in the full grammar (`WhereCondition`); every one
  /// must hold.
  public var predicates: [WhereCondition] = []

  public init(
    optimizers: [String] = [], statuses: [RunStatus] = [],
    conditions: [(parameter: HyperParameter, value: SQLValue)] = [],
    tags: [(key: String, value: String)] = []
  ) {
    self.optimizers = optimizers
    self.statuses = statuses
    self.conditions = conditions
    self.tags = tags
  }

  /// Parses a `--where` argument, `key=value`.
  ///
  /// - Throws: a one-line `StoreError` naming the valid keys when `text` is
  ///   not `key=value` or the key is not a hyperparameter column.
  public static func condition(parsing text: String) throws -> (
    parameter: HyperParameter, value: SQLValue
  ) {
    guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
      throw StoreError(
        "--where '\(text)' is not key=value (e.g. --where lr=0.01); valid keys: \(HyperParameter.keyList)"
      )
    }
    let key = String(text[..<eq]).trimmingCharacters(in: .whitespaces)
    guard let parameter = HyperParameter(key: key) else {
      throw StoreError(
        "--where: unknown key '\(key)'; valid keys: \(HyperParameter.keyList)")
    }
    return (parameter, try parameter.value(parsing: String(text[text.index(after: eq)...])))
  }

  /// The WHERE clause (starting with " WHERE", or empty) over table alias `r`,
  /// and its parameters. Column names come from the enums only; every value
  /// is bound.
  func sql() -> (clause: String, values: [SQLValue]) {
    var terms: [String] = []
    var values: [SQLValue] = []
    if !optimizers.isEmpty {
      terms.append("r.optimizer IN (\(placeholders(optimizers.count)))")
      values += optimizers.map { .text($0) }
    }
    if !statuses.isEmpty {
      terms.append("r.status IN (\(placeholders(statuses.count)))")
      values += statuses.map { .text($0.rawValue) }
    }
    for condition in conditions {
      terms.append("r.\(condition.parameter.rawValue) IS ?")
      values.append(condition.value)
    }
    for predicate in predicates {
      let (term, bound) = predicate.sql()
      terms.append(term)
      values += bound
    }
    for tag in tags {
      terms.append(
        "EXISTS (SELECT 1 FROM run_tags AS t WHERE t.run_seq = r.seq AND t.key = ? AND t.value = ?)"
      )
      values += [.text(tag.key), .text(tag.value)]
    }
    if let datasetHash {
      terms.append("r.dataset_hash = ?")
      values.append(.text(datasetHash))
    }
    if duplicatesOnly {
      terms.append(
        "EXISTS (SELECT 1 FROM runs AS d WHERE d.config_key = r.config_key AND d.seed = r.seed"
          + " AND d.seq <> r.seq AND d.status = 'completed')")
    }
    if trackerRunsOnly { terms.append("r.source IS NULL") }
    return (terms.isEmpty ? "" : " WHERE " + terms.joined(separator: " AND "), values)
  }

  /// True when the filter selects every run.
  public var isEmpty: Bool {
    optimizers.isEmpty && statuses.isEmpty && conditions.isEmpty && tags.isEmpty
      && !duplicatesOnly && datasetHash == nil && !trackerRunsOnly && predicates.isEmpty
  }
}

func placeholders(_ count: Int) -> String {
  Array(repeating: "?", count: count).joined(separator: ", ")
}
