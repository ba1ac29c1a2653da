// RunImport: reads runs written in the JSON-lines format of RunExport, by tracker
// or by any other program (a NumPy or PyTorch script), into the database. An
// imported run always keeps a `source`: it was not trained by this tracker, so it
// never passes for a bit-reproducible tracker run (docs/cluster.md).
import Foundation

/// What one import did, by run id.
public struct ImportResult: Sendable {
  public var imported: [String] = []
  /// Ids already in the database, left as they were.
  public var skipped: [String] = []
  /// Fields of "run" that are no column here (a newer writer's), ignored.
  public var ignoredFields: Set<String> = []
}

extension RunStore {
  /// Imports every line of `text` (one run each), all or nothing, in one
  /// transaction. `file` names the input in messages; a run without its own
  /// "source" gets `defaultSource`.
  ///
  /// - Throws: `StoreError` naming the line and the field for malformed input.
  public func importJSONLines(_ text: String, file: String, defaultSource: String) throws
    -> ImportResult
  {
    var info: [(name: String, required: Bool)] = []
    try database.prepare("PRAGMA table_info(runs)").forEachRow { row in
      // notnull without a default value: the insert must give it.
      info.append((row.text(1), row.int64(3) != 0 && row.isNull(4)))
    }
    let columns = Set(info.map(\.name)).subtracting(["seq"])
    var result = ImportResult()
    try database.write {
      for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false)
        .enumerated() where !line.allSatisfy(\.isWhitespace)
      {
        func bad(_ why: String) -> StoreError {
          StoreError("\(file) line \(offset + 1): \(why); see docs/cluster.md for the format")
        }
        // JSONDecoder, not JSONSerialization: the latter reads some doubles a bit off.
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)),
          case .object(let document) = value
        else { throw bad("not a JSON object") }
        guard document["format"] == .string(Self.exportFormat) else {
          throw bad("\"format\" must be \"\(Self.exportFormat)\"")
        }
        guard case .object(let given) = document["run"] else { throw bad("no \"run\" object") }
        var run: [String: SQLValue] = [:]
        for (key, value) in given {
          guard columns.contains(key) else {
            result.ignoredFields.insert(key)
            continue
          }
          guard let value = value.sql else { throw bad("\"run\".\(key) is not a value") }
          run[key] = value
        }
        try fillDefaults(&run, file: file, source: document["source"], defaultSource, bad: bad)
        for column in info where column.required && (run[column.name] ?? .null) == .null {
          throw bad("\"run\" has no \"\(column.name)\"")
        }
        guard case .text(let id) = run["id"]!, NewRun.isValidID(id) else {
          throw bad("\"run\".id must be a lower-case UUID")
        }
        if try seq(ofRun: id) != nil {
          result.skipped.append(id)
          continue
        }
        let names = run.keys.sorted()
        try statement(
          "INSERT INTO runs (\(names.joined(separator: ", "))) VALUES (\(placeholders(names.count)))"
        ).execute(names.map { run[$0]! })
        let seq = database.lastInsertRowID
        try insertMetrics(document, seq: seq, bad: bad)
        if run["status"] != .text(RunStatus.running.rawValue) { try storeSummary(seq: seq) }
        result.imported.append(id)
      }
    }
    return result
  }

  /// What an outside program may leave out: id, status, times, environment and
  /// the data's fingerprint; and the source, which is always set.
  private func fillDefaults(
    _ run: inout [String: SQLValue], file: String, source: JSONValue?, _ defaultSource: String,
    bad: (String) -> StoreError
  ) throws {
    let now = Timestamp.string(from: Date())
    let defaults: [String: SQLValue] = [
      "id": .text(UUID().uuidString.lowercased()), "status": .text(RunStatus.completed.rawValue),
      "started_at": .text(now), "tracker_version": .text("unknown"), "host": .text("unknown"),
      "command": .text("tracker import \(file)"), "dataset_hash": .text("unknown"),
    ]
    for (key, value) in defaults where (run[key] ?? .null) == .null { run[key] = value }
    guard case .text(let status) = run["status"]!, RunStatus(rawValue: status) != nil else {
      throw bad(
        "\"run\".status must be one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    if (run["baseline"] ?? .null) == .null, case .text(let dataset) = run["dataset"] ?? .null {
      // As migration 0002: the published test sets' most frequent class.
      run["baseline"] =
        dataset == "mnist" ? .real(0.1135) : dataset == "fashion-mnist" ? .real(0.1) : .null
    }
    run["heartbeat_at"] = run["ended_at"] ?? run["started_at"]
    // Always "import:...", whatever the line says: never NULL, tracker's own.
    var given: String? = nil
    if case .string(let text) = source { given = text }
    if given?.isEmpty ?? true, case .text(let own) = run["source"] ?? .null { given = own }
    if let given, !given.isEmpty {
      run["source"] = .text(given.hasPrefix("import:") ? given : "import:" + given)
    } else {
      run["source"] = .text(defaultSource)
    }
  }

  private func insertMetrics(
    _ document: [String: JSONValue], seq: Int64, bad: (String) -> StoreError
  ) throws {
    func list(_ key: String) throws -> [[JSONValue]] {
      guard let value = document[key] else { return [] }
      guard case .array(let items) = value else { throw bad("\"\(key)\" is not a list") }
      return try items.map {
        guard case .array(let entry) = $0 else { throw bad("each of \"\(key)\" must be a list") }
        return entry
      }
    }
    if case .object(let tags) = document["tags"] {
      for (tag, value) in tags {
        guard case .string(let text) = value else { throw bad("tag \"\(tag)\" is not a string") }
        try statement(Self.insertTag).execute([.integer(seq), .text(tag), .text(text)])
      }
    }
    let insertLoss = try statement(RunRecorder.insertLoss)
    for entry in try list("losses") {
      guard entry.count == 2, case .integer(let iter) = entry[0].sql, let loss = entry[1].sql,
        loss.isNumberOrNull
      else { throw bad("each of \"losses\" must be [iter, loss or null]") }
      try insertLoss.execute([.integer(seq), .integer(iter), loss])
    }
    let insertEvaluation = try statement(RunRecorder.insertEvaluation)
    for entry in try list("evals") {
      guard entry.count == 3, case .integer(let iter) = entry[0].sql,
        let train = entry[1].sql, let test = entry[2].sql, train.isNumber, test.isNumber
      else { throw bad("each of \"evals\" must be [iter, train_acc, test_acc]") }
      try insertEvaluation.execute([.integer(seq), .integer(iter), train, test])
    }
  }
}

/// One JSON value, read by JSONDecoder (exact for every double).
enum JSONValue: Decodable, Equatable {
  case null
  case bool(Bool)
  case integer(Int64)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int64.self) {
      self = .integer(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  /// The value as SQLite stores it (a boolean as 0 or 1); nil for lists and objects.
  var sql: SQLValue? {
    switch self {
    case .null: .null
    case .bool(let value): .integer(value ? 1 : 0)
    case .integer(let value): .integer(value)
    case .number(let value): .real(value)
    case .string(let value): .text(value)
    case .array, .object: nil
    }
  }
}

extension SQLValue {
  fileprivate var isNumber: Bool {
    switch self {
    case .integer, .real: true
    default: false
    }
  }
  fileprivate var isNumberOrNull: Bool { isNumber || self == .null }
}
