// RunStore+ReadOnly: opens a tracker database for reading only (`tracker
// serve`): SQLITE_OPEN_READONLY, no migration, no marking of abandoned runs,
// so a reader can never change the file it shows.
import Foundation

extension RunStore {
  /// Opens the tracker database at `path` read-only.
  ///
  /// - Throws: a one-line `StoreError` when `path` is missing, is not a
  ///   SQLite file, is no tracker database, or has a schema older or newer than
  ///   this tracker's (a reader can't migrate it).
  public static func openReadOnly(path: String) throws -> RunStore {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw StoreError(
        "no database at '\(path)'; record a run first with 'tracker run --opt adam'"
          + " (or pass --db, or set TRACKER_DB)")
    }
    guard !isDirectory.boolValue else {
      throw StoreError("'\(path)' is a directory; pass the database file as --db")
    }
    let file = FileHandle(forReadingAtPath: path)
    let header = try? file?.read(upToCount: sqliteHeader.count)
    try? file?.close()
    guard let header, Array(header) == sqliteHeader else {
      throw StoreError("'\(path)' is not a SQLite database; pass a different --db")
    }
    let database = try Database(path: path, readOnly: true)
    let applied: Set<String>
    do {
      applied = try database.read { try Migrator.appliedIDs(database) }
    } catch let error as SQLiteError where error.isDamagedFile {
      throw StoreError(
        "'\(path)' is damaged (\(error.message)); restore it from a backup or pass a different --db"
      )
    }
    let known = Set(Migrator.embedded.map(\.id))
    if applied.isEmpty {
      throw StoreError("'\(path)' is not a tracker database; pass a different --db")
    }
    if let newest = applied.subtracting(known).max() {
      throw StoreError(
        "\(path) was written by a newer tracker (schema \(newest)); upgrade tracker to open it")
    }
    if !known.isSubset(of: applied) {
      throw StoreError(
        "\(path) has an older schema; upgrade it once with 'tracker list --db \(path)'")
    }
    return RunStore(database: database)
  }
}
