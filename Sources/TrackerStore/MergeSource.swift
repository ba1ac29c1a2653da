// MergeSource: another tracker database opened for reading only, at this binary's
// schema, for `RunStore.merge`. The file itself is never written: an older schema
// is migrated in a copy held in memory, a newer one is refused.
import CSQLite
import Foundation

/// A tracker database to merge runs from.
struct MergeSource {
  /// The path as given, for messages.
  let path: String
  /// The file opened read-only, or an in-memory copy migrated to this schema.
  let database: Database
  /// True when `database` is a migrated copy (the file has an older schema).
  let migratedCopy: Bool

  /// Opens `path` read-only, refusing the destination itself, a missing or
  /// non-tracker file, and a schema newer than this binary's.
  static func open(_ path: String, destination: String) throws -> MergeSource {
    guard FileManager.default.fileExists(atPath: path) else {
      throw StoreError("no database at '\(path)'; check the path of the file to merge")
    }
    if let source = fileID(path), source == fileID(destination) {
      throw StoreError(
        "'\(path)' is the destination database \(destination) itself; merge other files into it")
    }
    let file = FileHandle(forReadingAtPath: path)
    let header = try? file?.read(upToCount: RunStore.sqliteHeader.count)
    try? file?.close()
    guard let header = header ?? nil, Array(header) == RunStore.sqliteHeader else {
      throw StoreError("'\(path)' is not a SQLite database; pass tracker database files to merge")
    }
    let database = try openReadOnly(path)
    let applied = try database.read { try Migrator.appliedIDs(database) }
    let known = Set(Migrator.embedded.map(\.id))
    guard !applied.isEmpty else {
      throw StoreError("'\(path)' is not a tracker database (it has no schema_migrations table)")
    }
    if let newest = applied.subtracting(known).max() {
      throw StoreError(
        "'\(path)' was written by a newer tracker (schema \(newest)); upgrade tracker to merge it")
    }
    guard applied != known else {
      return MergeSource(path: path, database: database, migratedCopy: false)
    }
    // An older schema: migrate a copy, never the file (another tracker may be
    // writing it, and merge promises to leave its sources untouched).
    let copy = try migratedCopy(of: database)
    return MergeSource(path: path, database: copy, migratedCopy: true)
  }

  // MARK: - SQLite

  /// `database` (a file at an older schema, opened read-only) copied into
  /// memory in one read transaction and migrated there to this binary's
  /// schema. The file is never written.
  static func migratedCopy(of database: Database) throws -> Database {
    let copy = try Database(path: database.path, mode: .memory)
    try backup(database, into: copy)
    do {
      try Migrator.migrate(copy)
    } catch {
      throw StoreError("cannot read '\(database.path)' at the current schema: \(error)")
    }
    return copy
  }

  /// Opens `path` with SQLITE_OPEN_READONLY: no migration, no WAL switch, no write.
  /// A WAL file can still be read while another process writes it
  /// (https://sqlite.org/wal.html#readonly).
  private static func openReadOnly(_ path: String) throws -> Database {
    do {
      return try Database(path: path, mode: .readOnly)
    } catch let error as SQLiteError {
      throw StoreError("cannot open '\(path)' for reading: \(error.message)")
    }
  }

  /// Copies every page of `source` into `target` in one step, so in one read
  /// transaction: a consistent snapshot even while another process writes
  /// (https://sqlite.org/backup.html).
  private static func backup(_ source: Database, into target: Database) throws {
    guard let backup = sqlite3_backup_init(target.handle, "main", source.handle, "main") else {
      throw SQLiteError.from(target.handle, code: sqlite3_errcode(target.handle))
    }
    let step = sqlite3_backup_step(backup, -1)
    let finish = sqlite3_backup_finish(backup)
    guard step == SQLITE_DONE, finish == SQLITE_OK else {
      throw StoreError(
        "cannot copy '\(source.path)' to migrate it: \(String(cString: sqlite3_errstr(step)))")
    }
  }

  /// Device and inode: the same file whatever path (link, `..`) names it.
  private static func fileID(_ path: String) -> [UInt64]? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return [UInt64(info.st_dev), UInt64(info.st_ino)]
  }
}

// MARK: - Generic rows

extension Database {
  /// The stored columns of `table`, in order. PRAGMA table_info leaves out
  /// generated columns, which cannot be inserted into anyway.
  func columns(of table: String) throws -> [String] {
    var names: [String] = []
    try prepare("PRAGMA table_info(\(table))").forEachRow { names.append($0.text(1)) }
    return names
  }
}

extension Statement {
  /// Runs `insert` once per row of `self` (already bound), binding `seq` to its
  /// first parameter and this row's columns to the next ones. Values pass
  /// straight from one statement to the other (sqlite3_bind_value), whatever
  /// their types: no column list is known here, and nothing is allocated.
  func copyRows(into insert: Statement, seq: Int64) throws {
    reset()
    defer { reset() }
    let count = Int32(columnCount)
    while try step() {
      insert.reset()
      sqlite3_bind_int64(insert.handle, 1, seq)
      for column in 0..<count {
        sqlite3_bind_value(insert.handle, column + 2, sqlite3_column_value(handle, column))
      }
      try insert.step()
    }
    insert.reset()
  }
}
