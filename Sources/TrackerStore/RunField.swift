// RunField: the `runs` columns users may name in `--where` and `--sort`: every
// hyperparameter, the optimizer, status and name, and the summary metrics.
// Their names are the column names, so SQL only ever holds names from here.
import Foundation

/// A column of `runs` that `--where` filters on and `--sort` orders by.
public struct RunField: Sendable, Hashable {
  /// What users type; also the column name.
  public let name: String
  public let kind: Kind
  /// Whether the column may hold NULL (an optimizer's own setting on another
  /// optimizer's run, an unnamed run, a run without a summary yet).
  public let nullable: Bool

  /// How values are typed on the command line and compared.
  public enum Kind: Sendable, Hashable {
    case real, integer
    /// A test accuracy: stored as a fraction 0...1; "90%" is accepted too.
    case accuracy
    /// INTEGER 0 or 1; true/false/yes/no/on/off.
    case boolean
    case text
    /// One of `RunStatus`.
    case status

    var isNumber: Bool { self == .real || self == .integer || self == .accuracy }
  }

  // MARK: - The fields

  public static let optimizer = RunField(name: "optimizer", kind: .text, nullable: false)
  public static let status = RunField(name: "status", kind: .status, nullable: false)
  public static let runName = RunField(name: "name", kind: .text, nullable: true)
  public static let startedAt = RunField(name: "started_at", kind: .text, nullable: false)

  /// The summary columns (migration 0002) and the duration: NULL until a run ends.
  public static let metrics: [RunField] = [
    RunField(name: "final_test_acc", kind: .accuracy, nullable: true),
    RunField(name: "best_test_acc", kind: .accuracy, nullable: true),
    RunField(name: "final_loss", kind: .real, nullable: true),
    RunField(name: "learning_start", kind: .integer, nullable: true),
    RunField(name: "duration_s", kind: .real, nullable: true),
  ]

  /// A hyperparameter column as a field.
  public init(_ parameter: HyperParameter) {
    let kind: Kind =
      switch parameter.kind {
      case .real, .optionalReal: .real
      case .integer: .integer
      case .boolean: .boolean
      case .text: .text
      }
    self.init(name: parameter.rawValue, kind: kind, nullable: parameter.kind == .optionalReal)
  }

  init(name: String, kind: Kind, nullable: Bool) {
    self.name = name
    self.kind = kind
    self.nullable = nullable
  }

  /// Every field `--where` accepts, in the order error messages list them.
  public static let filterable: [RunField] =
    [optimizer] + HyperParameter.allCases.map(RunField.init) + [status, runName] + metrics

  /// Every field `list --sort` accepts: the `--where` keys and the start time.
  public static let sortable: [RunField] = filterable + [startedAt]

  /// The field called `key` among `fields`; `-` may stand for `_`
  /// (batch-size), case does not matter.
  public static func named(_ key: String, in fields: [RunField] = filterable) -> RunField? {
    let wanted = key.replacingOccurrences(of: "-", with: "_").lowercased()
    return fields.first { $0.name == wanted }
  }

  /// "unknown key 'x'; did you mean 'y'? valid keys: ...", for messages.
  static func unknown(_ key: String, in fields: [RunField]) -> String {
    let names = fields.map(\.name)
    let guess = Suggestion.closest(to: key.lowercased(), among: names)
    return "unknown key '\(key)'" + (guess.map { "; did you mean '\($0)'?" } ?? ";")
      + " valid keys: " + names.joined(separator: ", ")
  }

  // MARK: - Values

  /// `text` as a value of this field, as the store holds it, or a short
  /// phrase saying what was expected ("a number", "true or false").
  func value(parsing text: String) -> Result<SQLValue, ExpectedValue> {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if nullable, trimmed.lowercased() == "null" { return .success(.null) }
    let orNull = nullable ? " or null" : ""
    switch kind {
    case .real:
      guard let number = Double(trimmed), number.isFinite else {
        return .failure(ExpectedValue("a number\(orNull)"))
      }
      return .success(.real(number))
    case .integer:
      guard let number = Int64(trimmed) else {
        return .failure(ExpectedValue("an integer\(orNull)"))
      }
      return .success(.integer(number))
    case .accuracy:
      let percent = trimmed.hasSuffix("%")
      guard let number = Double(percent ? String(trimmed.dropLast()) : trimmed),
        number.isFinite
      else {
        return .failure(ExpectedValue("a fraction such as 0.9, a percentage such as 90%\(orNull)"))
      }
      let fraction = percent ? number / 100 : number
      guard (0...1).contains(fraction) else {
        return .failure(
          ExpectedValue(
            "a fraction from 0 to 1 (0.9) or a percentage (90%); accuracies are stored as fractions"
          ))
      }
      return .success(.real(fraction))
    case .boolean:
      switch trimmed.lowercased() {
      case "1", "true", "yes", "on": return .success(.integer(1))
      case "0", "false", "no", "off": return .success(.integer(0))
      default: return .failure(ExpectedValue("true or false"))
      }
    case .text:
      return .success(.text(trimmed))
    case .status:
      guard let status = RunStatus(rawValue: trimmed.lowercased()) else {
        let statuses = RunStatus.allCases.map(\.rawValue).joined(separator: ", ")
        return .failure(ExpectedValue("one of \(statuses)"))
      }
      return .success(.text(status.rawValue))
    }
  }
}

/// What a `--where` value should have been, for the error message.
struct ExpectedValue: Error {
  let text: String
  init(_ text: String) { self.text = text }
}

// MARK: - Suggestions

/// The nearest name to a typo, for "did you mean" in messages.
public enum Suggestion {
  /// The name in `names` closest to `word` by edit distance, when it is
  /// close enough to be a typo (at most a third of the longer word, and 2).
  public static func closest(to word: String, among names: [String]) -> String? {
    let scored = names.map { ($0, distance(word, $0)) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    let limit = min(2, max(1, max(word.count, best.0.count) / 3))
    return best.1 <= limit ? best.0 : nil
  }

  /// Levenshtein distance, with a swap of neighbours counting as one edit
  /// (optimal string alignment): "adma" is one step from "adam".
  public static func distance(_ a: String, _ b: String) -> Int {
    let (a, b) = (Array(a), Array(b))
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
        }
      }
    }
    return d[a.count][b.count]
  }
}
