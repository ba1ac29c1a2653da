// RunFilter+Where: the `--where` grammar (KEY OP VALUE, KEY in (a,b)) and the
// `--sort KEY[:desc]` order of `list`. Keys are `RunField`s; values are only
// ever bound as SQL parameters.
import Foundation

/// One `--where` condition: a field, an operator and its value(s).
public struct WhereCondition: Sendable {
  public enum Operator: String, Sendable, CaseIterable {
    // Two-character operators first: parsing tries them in this order.
    case notEqual = "!="
    case lessOrEqual = "<="
    case greaterOrEqual = ">="
    case equal = "="
    case less = "<"
    case greater = ">"
    case oneOf = "in"

    var ordersValues: Bool { [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(self) }
  }

  public let field: RunField
  public let op: Operator
  /// One value, or one or more for `in`.
  public let values: [SQLValue]

  public init(field: RunField, op: Operator, values: [SQLValue]) {
    self.field = field
    self.op = op
    self.values = values
  }

  /// The grammar, for messages.
  static let grammar =
    "KEY=VALUE, KEY!=VALUE, KEY<VALUE (<=, >, >=) or 'KEY in (A,B)', e.g. --where lr=0.01,"
    + " --where 'final_test_acc>=0.9', --where 'optimizer in (adam,sgd)'"

  /// Parses a `--where` argument.
  ///
  /// - Throws: a one-line `StoreError` naming the bad part (the key, the
  ///   operator or the value) and what would be right.
  public init(parsing text: String) throws {
    func fail(_ problem: String) -> StoreError { StoreError("--where '\(text)': \(problem)") }
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let key = String(trimmed.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
    guard !key.isEmpty else { throw fail("expected \(Self.grammar)") }
    var rest = trimmed.dropFirst(key.count).drop { $0 == " " }
    guard let field = RunField.named(key) else {
      throw fail(RunField.unknown(key, in: RunField.filterable))
    }
    // `in` is a word: "in(" or "in " (not "index").
    if rest.lowercased().hasPrefix("in"),
      rest.dropFirst(2).first.map({ $0 == "(" || $0 == " " }) ?? true
    {
      let list = rest.dropFirst(2).trimmingCharacters(in: .whitespaces)
      guard list.hasPrefix("("), list.hasSuffix(")"), list.count >= 2 else {
        throw fail("write the values of 'in' in parentheses, e.g. '\(field.name) in (a,b)'")
      }
      let items = list.dropFirst().dropLast().split(
        separator: ",", omittingEmptySubsequences: false
      )
      .map { $0.trimmingCharacters(in: .whitespaces) }
      guard !items.contains(where: \.isEmpty) else {
        throw fail("give one or more values between the commas, e.g. '\(field.name) in (a,b)'")
      }
      self.init(field: field, op: .oneOf, values: try items.map { try Self.value($0, field, fail) })
      return
    }
    // "==" is read as "=", as people used to programming languages type it.
    if rest.hasPrefix("==") { rest = rest.dropFirst() }
    guard let op = Operator.allCases.first(where: { $0 != .oneOf && rest.hasPrefix($0.rawValue) })
    else {
      throw fail("expected an operator after '\(key)': =, !=, <, <=, >, >= or in (...)")
    }
    let valueText = rest.dropFirst(op.rawValue.count).trimmingCharacters(in: .whitespaces)
    guard !valueText.isEmpty else {
      throw fail(
        "give a value after '\(op.rawValue)', e.g. \(field.name)\(op.rawValue)\(Self.example(field))"
      )
    }
    let value = try Self.value(valueText, field, fail)
    if op.ordersValues {
      guard field.kind.isNumber else {
        throw fail(
          "'\(op.rawValue)' compares numbers and \(field.name) is not one; use =, != or in (...)")
      }
      guard value != .null else {
        throw fail("null only goes with = or != (e.g. \(field.name)=null)")
      }
    }
    self.init(field: field, op: op, values: [value])
  }

  private static func value(
    _ text: String, _ field: RunField, _ fail: (String) -> StoreError
  ) throws -> SQLValue {
    switch field.value(parsing: text) {
    case .success(let value): return value
    case .failure(let expected):
      throw fail("'\(text)' is not a valid \(field.name); expected \(expected.text)")
    }
  }

  /// A value of `field` for examples in messages.
  static func example(_ field: RunField) -> String {
    switch field.kind {
    case .real: "0.01"
    case .integer: "1"
    case .accuracy: "0.9"
    case .boolean: "true"
    case .text: "adam"
    case .status: "completed"
    }
  }

  /// The SQL term over table alias `r`, and its parameters. `=` and `!=`
  /// use IS and IS NOT, so `null` matches NULL and `momentum!=0.9` keeps the
  /// runs that have no momentum at all; `<`, `>` never match NULL.
  func sql() -> (term: String, values: [SQLValue]) {
    let column = "r.\(field.name)"
    switch op {
    case .equal: return ("\(column) IS ?", values)
    case .notEqual: return ("\(column) IS NOT ?", values)
    case .oneOf:
      let terms = values.map { _ in "\(column) IS ?" }
      return ("(" + terms.joined(separator: " OR ") + ")", values)
    default: return ("\(column) \(op.rawValue) ?", values)
    }
  }
}

// MARK: - Sorting

/// `--sort KEY[:desc]` for `list`: a field, ascending unless `:desc`.
public struct RunOrder: Sendable {
  public let field: RunField
  public let descending: Bool

  public init(field: RunField, descending: Bool = false) {
    self.field = field
    self.descending = descending
  }

  /// Parses `KEY`, `KEY:asc` or `KEY:desc`.
  ///
  /// - Throws: a one-line `StoreError` naming an unknown key or direction.
  public init(parsing text: String) throws {
    let parts = text.split(separator: ":", maxSplits: 1).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    guard let key = parts.first, !key.isEmpty else {
      throw StoreError("--sort '\(text)': give a key, e.g. --sort final_test_acc:desc")
    }
    guard let field = RunField.named(key, in: RunField.sortable) else {
      throw StoreError("--sort '\(text)': " + RunField.unknown(key, in: RunField.sortable))
    }
    let direction = parts.count > 1 ? parts[1].lowercased() : "asc"
    guard direction == "asc" || direction == "desc" else {
      throw StoreError(
        "--sort '\(text)': '\(parts[1])' is not a direction; write \(key):desc or \(key):asc")
    }
    self.init(field: field, descending: direction == "desc")
  }

  /// ORDER BY terms: runs without a value last whichever the direction, then
  /// newest first among equals.
  var sql: String {
    let column = "r.\(field.name)"
    return "\(column) IS NULL, \(column)\(descending ? " DESC" : ""), r.started_at DESC, r.seq DESC"
  }
}
