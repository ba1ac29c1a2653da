// Statement: one prepared SQLite statement: bind parameters, step through rows,
// read typed columns, and reset for reuse. Finalized when the object dies.
import CSQLite

/// A compiled statement. Prepare once and reuse it (reset + bind) for repeated
/// inserts: compiling SQL costs far more than running a small INSERT.
///
/// A class, so that `deinit` always finalizes: leaving a step loop early (break,
/// throw) must not leak the statement or keep its read transaction open.
public final class Statement {
  public let database: Database
  public let sql: String
  let handle: OpaquePointer

  init(database: Database, sql: String) throws {
    var handle: OpaquePointer?
    var tail: UnsafePointer<CChar>?
    let code = sql.withCString { sqlite3_prepare_v2(database.handle, $0, -1, &handle, &tail) }
    guard code == SQLITE_OK, let handle else {
      throw code == SQLITE_OK
        ? SQLiteError(code: SQLITE_MISUSE, message: "no SQL statement", sql: sql)
        : SQLiteError.from(database.handle, code: code, sql: sql, path: database.path)
    }
    self.database = database
    self.sql = sql
    self.handle = handle
  }

  deinit {
    sqlite3_finalize(handle)
  }

  private func error(_ code: Int32) -> SQLiteError {
    SQLiteError.from(database.handle, code: code, sql: sql, path: database.path)
  }

  // MARK: - Binding

  /// The number of `?` parameters.
  public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

  /// Binds `values` to parameters 1...n. Passing the wrong number of values is
  /// a programming error, not an input error, so it traps.
  public func bind(_ values: [SQLValue]) throws {
    precondition(
      values.count == parameterCount,
      "\(values.count) values for \(parameterCount) parameters in \(sql)")
    for (offset, value) in values.enumerated() {
      try bind(value, at: offset + 1)
    }
  }

  /// Binds one value to the 1-based parameter `index`.
  public func bind(_ value: SQLValue, at index: Int) throws {
    let i = Int32(index)
    let code: Int32
    switch value {
    case .null:
      code = sqlite3_bind_null(handle, i)
    case .integer(let v):
      code = sqlite3_bind_int64(handle, i, v)
    case .real(let v):
      code = sqlite3_bind_double(handle, i, v)
    case .text(var v):
      // An explicit byte count keeps text containing NUL whole; TRANSIENT makes
      // SQLite copy the bytes, which die when this call returns.
      code = v.withUTF8 { utf8 in
        utf8.withMemoryRebound(to: CChar.self) { chars in
          // "" needs a non-NULL pointer, or it would bind SQL NULL.
          guard let start = chars.baseAddress, !chars.isEmpty else {
            return sqlite3_bind_text(handle, i, "", 0, csqlite_transient())
          }
          return sqlite3_bind_text(handle, i, start, Int32(chars.count), csqlite_transient())
        }
      }
    case .blob(let v):
      code = v.withUnsafeBytes { bytes in
        // An empty blob likewise: a NULL pointer would bind SQL NULL.
        guard let start = bytes.baseAddress, !bytes.isEmpty else {
          return sqlite3_bind_zeroblob(handle, i, 0)
        }
        return sqlite3_bind_blob(handle, i, start, Int32(bytes.count), csqlite_transient())
      }
    }
    guard code == SQLITE_OK else { throw error(code) }
  }

  /// Sets every parameter back to NULL.
  public func clearBindings() {
    sqlite3_clear_bindings(handle)
  }

  /// Rewinds the statement so it can run again; bindings are kept. Ends the
  /// statement's implicit read transaction. Ignores the result code, which only
  /// repeats the error the last `step` already threw.
  public func reset() {
    sqlite3_reset(handle)
  }

  // MARK: - Stepping

  /// Advances to the next row: true when a row is available, false when done.
  @discardableResult
  public func step() throws -> Bool {
    let code = sqlite3_step(handle)
    switch code {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    default: throw error(code)
    }
  }

  /// Resets, binds `values`, runs to completion discarding rows, and resets
  /// again so no lock outlives the call.
  public func execute(_ values: [SQLValue] = []) throws {
    reset()
    defer { reset() }
    try bind(values)
    while try step() {}
  }

  /// Resets, binds `values`, and calls `body` with the statement positioned on
  /// each row in turn; read columns from the statement inside `body`.
  public func forEachRow(_ values: [SQLValue] = [], _ body: (Statement) throws -> Void) throws {
    reset()
    defer { reset() }
    try bind(values)
    while try step() {
      try body(self)
    }
  }

  // MARK: - Reading columns (0-based, valid only while positioned on a row)

  public var columnCount: Int { Int(sqlite3_column_count(handle)) }

  public func columnName(_ column: Int) -> String {
    String(cString: sqlite3_column_name(handle, Int32(column)))
  }

  public func isNull(_ column: Int) -> Bool {
    sqlite3_column_type(handle, Int32(column)) == SQLITE_NULL
  }

  /// The column as an integer (SQLite's conversion rules apply; NULL reads as 0).
  public func int64(_ column: Int) -> Int64 {
    sqlite3_column_int64(handle, Int32(column))
  }

  /// The column as a double (NULL reads as 0.0).
  public func double(_ column: Int) -> Double {
    sqlite3_column_double(handle, Int32(column))
  }

  /// The column as text (NULL reads as "").
  public func text(_ column: Int) -> String {
    guard let bytes = sqlite3_column_text(handle, Int32(column)) else { return "" }
    // Sized by column_bytes (called after column_text, as the docs require),
    // so text containing NUL characters comes back whole.
    let count = Int(sqlite3_column_bytes(handle, Int32(column)))
    return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  }

  public func optionalInt64(_ column: Int) -> Int64? { isNull(column) ? nil : int64(column) }
  public func optionalDouble(_ column: Int) -> Double? { isNull(column) ? nil : double(column) }
  public func optionalText(_ column: Int) -> String? { isNull(column) ? nil : text(column) }

  /// The column with its stored type.
  public func value(_ column: Int) -> SQLValue {
    let c = Int32(column)
    switch sqlite3_column_type(handle, c) {
    case SQLITE_INTEGER: return .integer(int64(column))
    case SQLITE_FLOAT: return .real(double(column))
    case SQLITE_TEXT: return .text(text(column))
    case SQLITE_BLOB:
      // column_blob before column_bytes, the order the docs require.
      guard let bytes = sqlite3_column_blob(handle, c) else { return .blob([]) }
      let count = Int(sqlite3_column_bytes(handle, c))
      return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
    default: return .null
    }
  }
}

@available(*, unavailable)
extension Statement: Sendable {}
