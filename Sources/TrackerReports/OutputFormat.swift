// OutputFormat and the machine-readable writers: JSON (keys in a fixed order),
// CSV (RFC 4180) and Markdown tables. Tables for people are in TextTable.
import Foundation
import TrackerStore

/// `--format` of compare and list (the CLI makes it an argument).
public enum OutputFormat: String, CaseIterable, Sendable {
  case table, json, csv, markdown
}

/// A report written in every `OutputFormat` (compare's, list's, tune's): one
/// method per format, and `render` picks one, so no report can miss a format.
public protocol FormattedReport {
  func table() -> String
  func json() -> String
  func csv() -> String
  func markdown() -> String
}

extension FormattedReport {
  public func render(_ format: OutputFormat) -> String {
    switch format {
    case .table: table()
    case .json: json()
    case .csv: csv()
    case .markdown: markdown()
    }
  }
}

// MARK: - JSON

/// A JSON value whose objects keep their keys in the order given, so output
/// reads the same every time; JSONSerialization would reorder them.
enum JSONValue {
  case null
  case bool(Bool)
  case int(Int64)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  /// nil becomes null; so do NaN and infinities, which JSON cannot hold.
  static func number(_ value: Double?) -> JSONValue {
    guard let value, value.isFinite else { return .null }
    return .number(value)
  }

  /// An iteration count, or a median of them: an integer unless it ends in .5.
  static func iteration(_ value: Double?) -> JSONValue {
    guard let value, value.isFinite else { return .null }
    return value == value.rounded() && abs(value) < 1e15 ? .int(Int64(value)) : .number(value)
  }

  static func int(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
  static func string(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }

  /// A column value as JSON: batchnorm as a boolean, NULL as null.
  static func sql(_ value: SQLValue, boolean: Bool = false) -> JSONValue {
    switch value {
    case .null: .null
    case .integer(let v): boolean ? .bool(v != 0) : .int(v)
    case .real(let v): .number(v)
    case .text(let v): .string(v)
    case .blob(let v): .string(v.map { String(format: "%02x", $0) }.joined())
    }
  }

  /// Pretty-printed with two-space indents and a final newline.
  func rendered() -> String {
    var out = ""
    write(to: &out, indent: "")
    return out + "\n"
  }

  private func write(to out: inout String, indent: String) {
    switch self {
    case .null: out += "null"
    case .bool(let v): out += v ? "true" : "false"
    case .int(let v): out += String(v)
    // Swift's description is the shortest text that reads back as the same
    // double; JSON has no NaN or infinity (the factory maps those to null).
    case .number(let v): out += v.isFinite ? String(v) : "null"
    case .string(let v): out += JSONText.quoted(v)
    case .array(let items):
      guard !items.isEmpty else {
        out += "[]"
        return
      }
      out += "[\n"
      for (index, item) in items.enumerated() {
        out += indent + "  "
        item.write(to: &out, indent: indent + "  ")
        out += index == items.count - 1 ? "\n" : ",\n"
      }
      out += indent + "]"
    case .object(let members):
      guard !members.isEmpty else {
        out += "{}"
        return
      }
      out += "{\n"
      for (index, (key, value)) in members.enumerated() {
        out += indent + "  " + JSONText.quoted(key) + ": "
        value.write(to: &out, indent: indent + "  ")
        out += index == members.count - 1 ? "\n" : ",\n"
      }
      out += indent + "}"
    }
  }
}

// MARK: - CSV and Markdown

enum CSV {
  /// RFC 4180 quoting (fields with a comma, quote or line break are quoted,
  /// their quotes doubled), with "\n" line ends as tools on Linux expect.
  static func render(header: [String], rows: [[String]]) -> String {
    ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
  }

  static func field(_ text: String) -> String {
    // Scalars, not Characters: "\r\n" is one Character, equal to neither.
    guard text.unicodeScalars.contains(where: { ",\"\n\r".unicodeScalars.contains($0) }) else {
      return text
    }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}

enum Markdown {
  /// A GitHub-flavoured Markdown table; `rightAligned` columns get `--:`.
  static func table(header: [String], rightAligned: [Bool], rows: [[String]]) -> String {
    func line(_ cells: [String]) -> String {
      "| " + cells.map(cell).joined(separator: " | ") + " |"
    }
    let rule = "|" + rightAligned.map { $0 ? " --: |" : " --- |" }.joined()
    return ([line(header), rule] + rows.map(line)).joined(separator: "\n") + "\n"
  }

  /// Pipes would end the cell and line breaks the row.
  static func cell(_ text: String) -> String {
    text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
  }
}
