// RunStore+Open: opening a tracker database. Writers (run, sweep) create and
// migrate it; readers (list, show, compare, plot, report) open it read-only and
// never migrate; delete writes but never creates. All of them refuse a file
// that is not a tracker database, untouched, and check the schema the code
// needs before anything else happens.
import CSQLite
import Foundation

extension RunStore {
  /// Opens `path` for recording runs: checks it with `validatePath`, creates
  /// the file if missing, applies pending migrations and checks the schema.
  ///
  /// An existing SQLite file is first read through a read-only connection:
  /// one with tables but no `schema_migrations` belongs to another
  /// application and is refused before anything (WAL mode, tables) is written.
  public static func open(path: String) throws -> RunStore {
    try validatePath(path)
    return try reportingDamage(path) {
      if case .regular(let size) = fileKind(path), size > 0 {
        _ = try trackerSchema(Database(path: path, mode: .readOnly))
      }
      return try openForWriting(path, mode: .create)
    }
  }

  /// Opens an existing tracker database at `path` for reading: read-only
  /// (`SQLITE_OPEN_READONLY`), never creating, converting or migrating it,
  /// so a read-only file, folder or mount can be read too. A database of an
  /// older tracker is read as it is when it has what readers need.
  ///
  /// Then marks abandoned runs interrupted (`markAbandonedRuns`), through a
  /// short-lived writing connection when the file may be written. With
  /// `forWriting` (delete), opens it read-write instead, after the same
  /// checks, and applies pending migrations.
  ///
  /// - Throws: `StoreError` when the file is missing, empty, not a tracker
  ///   database, from a newer tracker, damaged, or too old to read.
  public static func openExisting(path: String, forWriting: Bool = false) throws -> RunStore {
    let store = try openExistingUnmarked(path: path, forWriting: forWriting)
    // Show runs whose process died (kill -9, power loss) as interrupted, not
    // running forever. Best effort: a reader must not fail over it, but says
    // what it could not record.
    do {
      try store.markAbandonedRuns()
    } catch let error as UnrecordedAbandonedRuns {
      store.notes = error.notes
    } catch {
    }
    return store
  }

  /// `openExisting` without marking abandoned runs: for a reader that must
  /// never write at all (`tracker serve`, which shows such runs as abandoned).
  public static func openReadOnly(path: String) throws -> RunStore {
    try openExistingUnmarked(path: path, forWriting: false)
  }

  private static func openExistingUnmarked(path: String, forWriting: Bool) throws -> RunStore {
    try validateExistingPath(path)
    if forWriting { try validatePath(path) }
    let store = try reportingDamage(path) {
      let reader = try openForReading(path)
      let pending = try trackerSchema(reader)
      guard forWriting else {
        if let missing = try StoreSchema.missing(in: reader, StoreSchema.read) {
          guard !pending.isEmpty else { throw damaged(path, missing) }
          // Written by an older tracker: read an upgraded copy in memory rather
          // than migrate the file (readers never write it); 'tracker run'
          // upgrades the file itself.
          return RunStore(database: try MergeSource.migratedCopy(of: reader))
        }
        return RunStore(database: reader)
      }
      return try openForWriting(path, mode: .readWrite)
    }
    return store
  }

  // MARK: - Steps

  /// Opens read-write, migrates, and checks every table and column written.
  private static func openForWriting(_ path: String, mode: Database.OpenMode) throws -> RunStore {
    let database = try Database(path: path, mode: mode)
    try Migrator.migrate(database)
    if let missing = try StoreSchema.missing(in: database, StoreSchema.write) {
      throw damaged(path, missing)
    }
    return RunStore(database: database)
  }

  /// A read-only connection that has read the schema. In a read-only folder
  /// SQLite can't create the `-shm` file a WAL database needs and fails with
  /// SQLITE_CANTOPEN; nobody can write the file there either, so it is then
  /// read as immutable.
  private static func openForReading(_ path: String) throws -> Database {
    do {
      let database = try Database(path: path, mode: .readOnly)
      try database.execute("SELECT count(*) FROM sqlite_master")
      return database
    } catch let error as SQLiteError where error.primaryCode == SQLITE_CANTOPEN {
      let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
      guard !FileManager.default.isWritableFile(atPath: folder) else { throw error }
      return try Database(path: path, mode: .immutable)
    }
  }

  /// Checks that `database` is a tracker database this binary can use, and
  /// returns the ids of the migrations it lacks. A file without any table
  /// (empty, or fresh from `sqlite3`) counts as one with none applied.
  ///
  /// - Throws: `StoreError` for another application's database (tables, but
  ///   no `schema_migrations`) or one written by a newer tracker.
  private static func trackerSchema(_ database: Database) throws -> [String] {
    let path = database.path
    var tables = 0
    try database.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").forEachRow {
      tables = Int($0.int64(0))
    }
    let applied = try Migrator.appliedIDs(database)
    if tables > 0, applied.isEmpty {
      throw StoreError(
        "'\(path)' is not a tracker database (it has tables but no schema_migrations);"
          + " it was left untouched; pass a different --db")
    }
    let known = Set(Migrator.embedded.map(\.id))
    if let newest = applied.subtracting(known).max() {
      throw StoreError(
        "\(path) was written by a newer tracker (schema \(newest)); upgrade tracker to open it")
    }
    return Migrator.embedded.map(\.id).filter { !applied.contains($0) }
  }

  /// Runs `body`, turning SQLite's "database disk image is malformed" (which
  /// names neither the file nor a fix) into the one-line damaged message.
  private static func reportingDamage<T>(_ path: String, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as SQLiteError where error.isDamagedFile {
      throw damaged(path, error.message)
    }
  }

  static func damaged(_ path: String, _ why: String) -> StoreError {
    StoreError("'\(path)' is damaged (\(why)); restore it from a backup or pass a different --db")
  }
}
