// Database: one SQLite connection, configured the same way every time (WAL,
// foreign keys, busy timeout), with raw SQL execution and transactions.
import CSQLite
import Foundation

/// One connection to a SQLite file. Not thread-safe: use it from one thread
/// (one connection per command); open a second `Database` for a second thread.
public final class Database {
  /// The path the connection was opened with.
  public let path: String
  let handle: OpaquePointer

  /// How long a statement waits for another connection's lock before failing
  /// with `SQLITE_BUSY`. A bounded wait, never an always-retry busy handler:
  /// a stuck writer must surface as an error, not hang every other command.
  public static let busyTimeoutMilliseconds: Int32 = 5000

  /// Opens (creating if missing) the database at `path` and configures it;
  /// with `readOnly`, opens an existing file with SQLITE_OPEN_READONLY and
  /// leaves its journal mode alone (a reader never writes).
  ///
  /// Always closes the handle when opening fails: "Whether or not an error
  /// occurs when it is opened, resources associated with the database
  /// connection handle should be released by passing it to sqlite3_close()"
  /// (https://sqlite.org/c3ref/open.html).
  public init(path: String, readOnly: Bool = false) throws {
    var handle: OpaquePointer?
    // NOMUTEX: a connection is confined to one thread (see the type's doc), so
    // SQLite's per-connection mutex would be pure overhead.
    let access = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
    let flags = access | SQLITE_OPEN_NOMUTEX
    let code = sqlite3_open_v2(path, &handle, flags, nil)
    guard code == SQLITE_OK, let handle else {
      let error = SQLiteError.from(handle, code: code)
      sqlite3_close_v2(handle)
      throw SQLiteError(code: error.code, message: "cannot open \(path): \(error.message)")
    }
    do {
      try Self.configure(handle, readOnly: readOnly)
    } catch {
      sqlite3_close_v2(handle)
      throw error
    }
    self.path = path
    self.handle = handle
  }

  deinit {
    // close_v2 defers the close until every statement is finalized; statements
    // hold a strong reference to their Database, so there are none left here.
    sqlite3_close_v2(handle)
  }

  /// Per-connection settings. The first statement is also where SQLite first
  /// reads the file, so a non-database file fails here with SQLITE_NOTADB.
  private static func configure(_ handle: OpaquePointer, readOnly: Bool) throws {
    sqlite3_extended_result_codes(handle, 1)
    sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
    // Off by default, and a no-op inside a transaction, so set it right away
    // (https://sqlite.org/foreignkeys.html#fk_enable).
    try execute(handle, "PRAGMA foreign_keys = ON")
    if readOnly { return }
    // WAL lets readers (tracker list) run while a training run writes, and
    // with synchronous=NORMAL a commit needs no fsync: "WAL mode is safe from
    // corruption with synchronous=NORMAL" (https://sqlite.org/pragma.html#pragma_synchronous).
    try enableWAL(handle)
    try execute(handle, "PRAGMA synchronous = NORMAL")
  }

  /// Switches the file to WAL mode unless it already is.
  ///
  /// WAL is a persistent property of the file, so only the first open of a new
  /// file converts it, and the conversion needs exclusive access for which
  /// SQLite does *not* run the busy handler: several processes opening a new
  /// file at once get SQLITE_BUSY at once (or the old mode back) no matter the
  /// timeout. So read the mode first, and retry the switch with backoff
  /// within the busy timeout until this or another connection has done it.
  private static func enableWAL(_ handle: OpaquePointer) throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(busyTimeoutMilliseconds))
    var delay = Duration.milliseconds(1)  // doubled per try, up to 50 ms
    while true {
      do {
        // "memory": an in-memory database, which has no WAL and needs none.
        for sql in ["PRAGMA journal_mode", "PRAGMA journal_mode = WAL"] {
          let mode = try firstText(handle, sql)
          if mode == "wal" || mode == "memory" { return }
        }
      } catch let error as SQLiteError where error.isBusy {
        // Retried below.
      }
      guard ContinuousClock.now + delay < deadline else {
        throw SQLiteError(
          code: SQLITE_BUSY,
          message: "could not switch to WAL mode: the file stayed locked by another connection",
          sql: "PRAGMA journal_mode = WAL")
      }
      usleep(UInt32(delay / .microseconds(1)))
      delay = min(delay * 2, .milliseconds(50))
    }
  }

  /// The first column of the first row of `sql` as text, for PRAGMA queries.
  private static func firstText(_ handle: OpaquePointer, _ sql: String) throws -> String? {
    var statement: OpaquePointer?
    let code = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
    guard code == SQLITE_OK, let statement else {
      throw SQLiteError.from(handle, code: code, sql: sql)
    }
    defer { sqlite3_finalize(statement) }
    switch sqlite3_step(statement) {
    case SQLITE_ROW: return sqlite3_column_text(statement, 0).map { String(cString: $0) }
    case SQLITE_DONE: return nil
    case let step: throw SQLiteError.from(handle, code: step, sql: sql)
    }
  }

  // MARK: - Executing SQL

  /// Runs one or more `;`-separated statements without parameters (schema
  /// changes, PRAGMAs, transaction control), discarding any rows.
  ///
  /// Statements run one at a time, so an error names the statement that failed
  /// rather than the whole script.
  public func execute(_ sql: String) throws {
    try Self.execute(handle, sql)
  }

  /// Runs one statement with its parameters bound to `values` (1-based `?`).
  public func execute(_ sql: String, _ values: [SQLValue]) throws {
    try prepare(sql).execute(values)
  }

  private static func execute(_ handle: OpaquePointer, _ sql: String) throws {
    try sql.withCString { start in
      var next: UnsafePointer<CChar>? = start
      while let current = next, current.pointee != 0 {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(handle, current, -1, &statement, &next)
        guard code == SQLITE_OK else {
          throw SQLiteError.from(handle, code: code, sql: String(cString: current))
        }
        // nil for a tail that is only whitespace or comments.
        guard let statement else { continue }
        defer { sqlite3_finalize(statement) }
        var step = sqlite3_step(statement)
        while step == SQLITE_ROW { step = sqlite3_step(statement) }
        guard step == SQLITE_DONE else {
          throw SQLiteError.from(handle, code: step, sql: String(cString: sqlite3_sql(statement)))
        }
      }
    }
  }

  /// Compiles one statement for repeated use; reuse it for hot inserts.
  public func prepare(_ sql: String) throws -> Statement {
    try Statement(database: self, sql: sql)
  }

  /// The rowid of the most recent successful INSERT on this connection.
  public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

  /// Rows changed by the most recent INSERT, UPDATE or DELETE.
  public var changes: Int { Int(sqlite3_changes(handle)) }

  /// False while a transaction is open on this connection.
  public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

  // MARK: - Transactions

  /// Runs `body` in a `BEGIN IMMEDIATE` transaction: commits when it returns,
  /// rolls back when it throws.
  ///
  /// IMMEDIATE takes the write lock up front, where the busy timeout applies.
  /// A deferred transaction that reads and then writes must upgrade its lock,
  /// and in WAL mode that upgrade fails with SQLITE_BUSY_SNAPSHOT at once if
  /// another connection committed in between: no timeout cures it
  /// (https://sqlite.org/lang_transaction.html#deferred_immediate_and_exclusive_transactions).
  public func write<T>(_ body: () throws -> T) throws -> T {
    try transaction("BEGIN IMMEDIATE", body)
  }

  /// Runs `body` in a deferred `BEGIN` transaction, so several SELECTs see one
  /// consistent snapshot (taken at the first SELECT). Use `write` to modify.
  public func read<T>(_ body: () throws -> T) throws -> T {
    try transaction("BEGIN", body)
  }

  private func transaction<T>(_ begin: String, _ body: () throws -> T) throws -> T {
    try execute(begin)
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      // Some errors (e.g. SQLITE_FULL) already rolled the transaction back;
      // a second ROLLBACK would fail and hide the real error.
      if !isAutocommit { try? execute("ROLLBACK") }
      throw error
    }
  }
}

@available(*, unavailable)
extension Database: Sendable {}
