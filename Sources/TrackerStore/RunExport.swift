// RunExport: runs as JSON lines (one run per line: every column of `runs`, its
// tags, losses and evaluations) and back, the public format other programs use
// to log runs into tracker (docs/cluster.md, "The JSON-lines format"); and a long
// CSV with one row per metric. Generic over the columns of `runs`.
import Foundation

extension RunStore {
  /// The format's version, written as "format" on every line.
  public static let exportFormat = "tracker-run/1"

  // MARK: - Export

  /// One JSON object per run of `runs`, each a line without its newline.
  public func exportJSONLines(_ runs: [StoredRun], _ emit: (String) throws -> Void) throws {
    try database.read {
      let columns = try database.columns(of: "runs").filter { $0 != "seq" }
      let select = try statement(
        "SELECT \(columns.joined(separator: ", ")) FROM runs WHERE seq = ?")
      for run in runs {
        var fields: [String] = []
        try select.forEachRow([.integer(run.seq)]) { row in
          fields = columns.indices.map {
            "\(JSONText.quoted(columns[$0])):\(JSONText.value(row.value($0)))"
          }
        }
        let (tags, losses, evals) = try metrics(of: run.seq)
        let line =
          "{\"format\":\(JSONText.quoted(Self.exportFormat)),\"run\":{\(fields.joined(separator: ","))}"
          + ",\"tags\":{\(tags.map { "\(JSONText.quoted($0.0)):\(JSONText.quoted($0.1))" }.joined(separator: ","))}"
          + ",\"losses\":[\(losses.map { "[\($0.0),\(JSONText.value(.nullable($0.1)))]" }.joined(separator: ","))]"
          + ",\"evals\":[\(evals.map { "[\($0.0),\(JSONText.value(.real($0.1))),\(JSONText.value(.real($0.2)))]" }.joined(separator: ","))]}"
        try emit(line)
      }
    }
  }

  /// Long CSV: a header, then one row per loss and per evaluation of each run,
  /// with the run's id, status, source and hyperparameters.
  public func exportCSV(_ runs: [StoredRun], _ emit: (String) throws -> Void) throws {
    let parameters = HyperParameter.allCases.map(\.rawValue)
    try emit(
      (["run_id", "status", "source", "optimizer"] + parameters
        + ["metric", "iter", "loss", "train_acc", "test_acc"]).joined(separator: ","))
    try database.read {
      for run in runs {
        let head =
          [run.id, run.status.rawValue, run.source ?? "", run.optimizer].map(CSV.field)
          + run.parameters.map { CSV.field(JSONText.plain($0)) }
        let (_, losses, evals) = try metrics(of: run.seq)
        for (iter, loss) in losses {
          try emit(
            (head + ["loss", String(iter), loss.map { "\($0)" } ?? "", "", ""]).joined(
              separator: ","))
        }
        for (iter, train, test) in evals {
          try emit(
            (head + ["eval", String(iter), "", "\(train)", "\(test)"]).joined(separator: ","))
        }
      }
    }
  }

  private func metrics(of seq: Int64) throws -> (
    [(String, String)], [(Int64, Double?)], [(Int64, Double, Double)]
  ) {
    var tags: [(String, String)] = []
    var losses: [(Int64, Double?)] = []
    var evals: [(Int64, Double, Double)] = []
    try statement("SELECT key, value FROM run_tags WHERE run_seq = ? ORDER BY key")
      .forEachRow([.integer(seq)]) { tags.append(($0.text(0), $0.text(1))) }
    try statement("SELECT iter, loss FROM losses WHERE run_seq = ? ORDER BY iter")
      .forEachRow([.integer(seq)]) { losses.append(($0.int64(0), $0.optionalDouble(1))) }
    try statement("SELECT iter, train_acc, test_acc FROM evals WHERE run_seq = ? ORDER BY iter")
      .forEachRow([.integer(seq)]) { evals.append(($0.int64(0), $0.double(1), $0.double(2))) }
    return (tags, losses, evals)
  }
}

// MARK: - Writing JSON and CSV

/// Minimal JSON writing with exact numbers: Swift's `description` of a Double is
/// the shortest text that reads back as the same bits. `quoted` is public: the
/// reports' JSON (TrackerReports' `JSONValue`) quotes its strings with it too.
public enum JSONText {
  /// `text` as a JSON string: quotes, backslashes and control characters
  /// escaped (RFC 8259, section 7), everything else as it is.
  public static func quoted(_ text: String) -> String {
    let escaped = text.replacingScalars { scalar in
      switch scalar {
      case "\"": "\\\""
      case "\\": "\\\\"
      case "\n": "\\n"
      case "\r": "\\r"
      case "\t": "\\t"
      case _ where scalar.value < 0x20: String(format: "\\u%04x", scalar.value)
      default: nil
      }
    }
    return "\"" + escaped + "\""
  }

  static func value(_ value: SQLValue) -> String {
    switch value {
    case .null: "null"
    case .integer(let v): String(v)
    case .real(let v): v.isFinite ? "\(v)" : "null"
    case .text(let v): quoted(v)
    case .blob(let v): quoted(v.map { String(format: "%02x", $0) }.joined())
    }
  }

  /// The value as plain text (no quotes), for CSV.
  static func plain(_ value: SQLValue) -> String {
    switch value {
    case .null: ""
    case .integer(let v): String(v)
    case .real(let v): "\(v)"
    case .text(let v): v
    case .blob(let v): v.map { String(format: "%02x", $0) }.joined()
    }
  }
}

enum CSV {
  /// Quoted when it holds a comma, a quote or a line break (RFC 4180).
  static func field(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
