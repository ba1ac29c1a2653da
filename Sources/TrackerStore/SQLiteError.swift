// SQLiteError: one error type for every failing SQLite call, carrying the raw
// extended result code, SQLite's message and the SQL being run.
import CSQLite

/// A failed SQLite call.
///
/// `code` is the *extended* result code (https://sqlite.org/rescode.html), e.g.
/// 2067 `SQLITE_CONSTRAINT_UNIQUE`; `primaryCode` strips it to the primary code
/// (19 `SQLITE_CONSTRAINT`). We keep the number instead of mirroring ~100 enum
/// cases, so codes added by newer SQLite versions still come through.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
  /// The extended result code.
  public let code: Int32
  /// SQLite's message (`sqlite3_errmsg`), e.g. "UNIQUE constraint failed: runs.id".
  public let message: String
  /// The statement that failed, when there was one.
  public let sql: String?

  /// The database file, when the error came from a connection: it lets a
  /// damaged file be named in the message.
  public var path: String?

  public init(code: Int32, message: String, sql: String? = nil, path: String? = nil) {
    self.code = code
    self.message = message
    self.sql = sql
    self.path = path
  }

  /// The primary result code: the low 8 bits of the extended code.
  public var primaryCode: Int32 { code & 0xFF }

  /// True for `SQLITE_BUSY` and `SQLITE_LOCKED`: another connection held a lock
  /// for longer than the busy timeout.
  public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

  /// True for any constraint violation (UNIQUE, CHECK, NOT NULL, FOREIGN KEY, ...).
  public var isConstraintViolation: Bool { primaryCode == SQLITE_CONSTRAINT }

  /// True when the file is not a usable database: `SQLITE_CORRUPT` (e.g. a
  /// damaged page) or `SQLITE_NOTADB` (e.g. an overwritten header).
  public var isDamagedFile: Bool { primaryCode == SQLITE_CORRUPT || primaryCode == SQLITE_NOTADB }

  /// One line. A damaged file is named with the fix, whatever statement
  /// found the damage, since the statement tells a user nothing.
  public var description: String {
    if isDamagedFile, let path {
      return "'\(path)' is damaged (\(message)); restore it from a backup or pass a different --db"
    }
    var text = "SQLite error \(code): \(message)"
    if let sql {
      text += " (while executing \(sql))"
    }
    return text
  }

  /// The error SQLite recorded on `handle` for a call that returned `code`.
  ///
  /// `sqlite3_extended_errcode` is preferred over `code`: it is the extended
  /// code even where an API returns only the primary one. `sql` loses
  /// surrounding whitespace and trailing `;`, to read well inside the message.
  static func from(_ handle: OpaquePointer?, code: Int32, sql: String? = nil, path: String? = nil)
    -> SQLiteError
  {
    let sql = sql.map { sql in
      var trimmed = sql.trimmingWhitespace()
      while trimmed.hasSuffix(";") { trimmed = String(trimmed.dropLast()).trimmingWhitespace() }
      return trimmed.collapsingWhitespace()
    }
    guard let handle else {
      return SQLiteError(
        code: code, message: String(cString: sqlite3_errstr(code)), sql: sql, path: path)
    }
    let extended = sqlite3_extended_errcode(handle)
    let message =
      sqlite3_errmsg(handle).map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
    return SQLiteError(
      code: extended != 0 ? extended : code, message: message, sql: sql, path: path)
  }
}

extension String {
  /// Every run of whitespace (line breaks, indentation) as one space, so a
  /// multi-line statement reads as one line inside an error message.
  fileprivate func collapsingWhitespace() -> String {
    var out = ""
    var inSpace = false
    for scalar in unicodeScalars {
      if scalar.properties.isWhitespace {
        inSpace = true
      } else {
        if inSpace && !out.isEmpty { out += " " }
        inSpace = false
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// Trims surrounding whitespace (without importing Foundation here).
  fileprivate func trimmingWhitespace() -> String {
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
      let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(scalars[first...last])
  }
}
