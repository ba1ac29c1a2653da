// Migrator: brings a database's schema up to date by applying the migrations
// embedded from migrations/*.sql, in order, each in its own transaction.
import CSQLite
import Foundation

/// One forward-only schema change. `id` is the file name without `.sql`
/// (e.g. "0001_create_runs"); ids sort in the order they must be applied.
public struct Migration: Sendable, Equatable {
  public let id: String
  public let sql: String

  public init(id: String, sql: String) {
    self.id = id
    self.sql = sql
  }
}

/// Applies migrations and records each in `schema_migrations`.
///
/// Model: GRDB's DatabaseMigrator, reduced to forward-only raw SQL.
public enum Migrator {
  /// The migrations compiled into this binary by the EmbedMigrations build
  /// plugin from `<package>/migrations/*.sql`, sorted by id. Embedding keeps
  /// the binary self-contained when it is copied away from the source tree.
  public static let embedded: [Migration] = embeddedMigrations.map {
    Migration(id: $0.id, sql: $0.sql)
  }

  static let createBookkeeping = """
    CREATE TABLE IF NOT EXISTS schema_migrations (
      id         TEXT PRIMARY KEY,
      applied_at TEXT NOT NULL
    )
    """

  /// Applies every migration in `migrations` that `database` lacks.
  ///
  /// Each migration and its bookkeeping row commit together in one
  /// `BEGIN IMMEDIATE` transaction; if one fails it rolls back, the error is
  /// thrown, and later ones don't run (earlier ones stay committed).
  ///
  /// Safe when several processes open the same new file at once: the applied
  /// set is read again *after* the write lock is taken, so only the first
  /// process applies a migration and the others see it done.
  ///
  /// - Throws: `StoreError` naming the newest unknown id when the database was
  ///   migrated by a newer tracker, or naming the migration that failed (with
  ///   SQLite's error); `SQLiteError` when the bookkeeping itself fails.
  public static func migrate(_ database: Database, migrations: [Migration] = embedded) throws {
    let ids = migrations.map(\.id)
    precondition(
      ids == ids.sorted() && Set(ids).count == ids.count,
      "migration ids must be unique and sorted: \(ids)")
    let known = Set(ids)

    // Fast path without the write lock, so that opening an up-to-date database
    // never waits behind a running writer.
    let applied = try database.read { try appliedIDs(database) }
    try refuseUnknown(applied, known: known, path: database.path)
    let pending = migrations.filter { !applied.contains($0.id) }
    guard !pending.isEmpty else { return }

    // A migration that rebuilds a table (0005) must drop the old one, and with
    // foreign keys on, DROP TABLE deletes every child row by cascade. The
    // setting is a no-op inside a transaction, so it is turned off around the
    // migrations, and each one checks the keys itself before committing
    // (https://sqlite.org/lang_altertable.html#otheralter, steps 1 and 10-12;
    // GRDB's DatabaseMigrator does the same).
    try database.execute("PRAGMA foreign_keys = OFF")
    defer { try? database.execute("PRAGMA foreign_keys = ON") }
    for migration in pending {
      // Patient: a run starting on a file another process holds locked waits.
      try database.writeRetryingBusy(attempts: Database.patientAttempts) {
        try database.execute(createBookkeeping)
        // Re-check under the lock: another process may have applied it since.
        let applied = try appliedIDs(database)
        try refuseUnknown(applied, known: known, path: database.path)
        guard !applied.contains(migration.id) else { return }
        do {
          try database.execute(migration.sql)
          try checkForeignKeys(database)
        } catch {
          // Name the migration: SQLite's message alone doesn't say which one.
          throw StoreError(
            "cannot upgrade \(database.path) to schema \(migration.id): \(error);"
              + " rolled back, the file keeps its earlier schema")
        }
        try database.execute(
          "INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)",
          [.text(migration.id), .text(Timestamp.string(from: Date()))])
      }
    }
  }

  /// Throws when a row references a missing parent, which foreign_keys OFF
  /// would otherwise let a migration commit.
  private static func checkForeignKeys(_ database: Database) throws {
    var violation: String?
    try database.prepare("PRAGMA foreign_key_check").forEachRow { row in
      if violation == nil {
        violation = "a row of \(row.text(0)) references a missing \(row.text(2))"
      }
    }
    if let violation {
      throw SQLiteError(
        // SQLITE_CONSTRAINT_FOREIGNKEY (787), a macro Swift doesn't import.
        code: SQLITE_CONSTRAINT | (3 << 8), message: "FOREIGN KEY constraint failed: \(violation)",
        sql: "PRAGMA foreign_key_check")
    }
  }

  /// The ids recorded in `schema_migrations`, or none when the table is missing.
  public static func appliedIDs(_ database: Database) throws -> Set<String> {
    var exists = false
    try database.prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    )
    .forEachRow { _ in exists = true }
    guard exists else { return [] }
    var ids = Set<String>()
    try database.prepare("SELECT id FROM schema_migrations").forEachRow { ids.insert($0.text(0)) }
    return ids
  }

  /// Migrations only go forward, so an id this binary doesn't know means a
  /// newer tracker changed the schema in ways this one can't read safely.
  private static func refuseUnknown(_ applied: Set<String>, known: Set<String>, path: String) throws
  {
    if let newest = applied.subtracting(known).max() {
      throw StoreError(
        "\(path) was written by a newer tracker (schema \(newest)); upgrade tracker to open it")
    }
  }
}
