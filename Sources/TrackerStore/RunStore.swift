// RunStore: opens a tracker database (checking the path first, then migrating)
// and starts runs; RunRecorder (its own file) writes a run's metrics.
import Foundation

/// The tracker database: runs, their tags and metrics. One per command.
public final class RunStore {
  public let database: Database
  /// Prepared statements by SQL, shared by every recorder of this store: a
  /// benchmark begins thousands of runs, and compiling each INSERT per run
  /// would cost more than executing it.
  private var statements: [String: Statement] = [:]

  init(database: Database) {
    self.database = database
  }

  /// Checks `path` with `validatePath`, then opens it (creating the file if
  /// missing) and applies any pending migrations.
  public static func open(path: String) throws -> RunStore {
    try validatePath(path)
    do {
      let database = try Database(path: path)
      try Migrator.migrate(database)
      return RunStore(database: database)
    } catch let error as SQLiteError where error.isDamagedFile {
      // A truncated or overwritten file fails at its first read; SQLite's
      // "database disk image is malformed" names neither the file nor a fix.
      throw StoreError(
        "'\(path)' is damaged (\(error.message)); restore it from a backup or pass a different --db"
      )
    }
  }

  // MARK: - Path check

  /// The 16 bytes every SQLite 3 database file starts with
  /// (https://sqlite.org/fileformat.html#the_database_header).
  static let sqliteHeader = Array("SQLite format 3\0".utf8)

  /// Checks that `path` can hold a tracker database, without creating or
  /// modifying anything: its folder exists and is writable (WAL keeps `-wal`
  /// and `-shm` files beside the database), it is not a directory, and an
  /// existing file is empty or starts with the SQLite header.
  ///
  /// SQLite itself would happily create a database inside a mistyped folder's
  /// sibling, or fail on a text file only at the first query with the vague
  /// "file is not a database"; this names the problem and the fix instead.
  public static func validatePath(_ path: String) throws {
    let fileManager = FileManager.default
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard fileManager.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue
    else {
      throw StoreError(
        "folder '\(folder)' for '\(path)' does not exist; create it or pass a different --db")
    }
    guard fileManager.isWritableFile(atPath: folder) else {
      throw StoreError("folder '\(folder)' is not writable; pass a --db in a writable folder")
    }
    guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
    guard !isDirectory.boolValue else {
      throw StoreError(
        "'\(path)' is a directory; pass a file path such as '\(path)/tracker.db' as --db")
    }
    guard let file = FileHandle(forReadingAtPath: path) else {
      throw StoreError("cannot read '\(path)'; check its permissions or pass a different --db")
    }
    defer { try? file.close() }
    let header = (try? file.read(upToCount: sqliteHeader.count)).map { Array($0) } ?? []
    guard header.isEmpty || header == sqliteHeader else {
      throw StoreError("'\(path)' is not a SQLite database; pass a different --db")
    }
    // root passes access(2) whatever the mode, so check the mode bits too: a
    // file made read-only (chmod a-w) is one its owner wants left alone.
    let mode = (try? fileManager.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0o600
    guard fileManager.isWritableFile(atPath: path), mode & 0o222 != 0 else {
      throw StoreError("'\(path)' is read-only; make it writable or pass a different --db")
    }
  }

  // MARK: - Runs

  static let insertTag = "INSERT INTO run_tags (run_seq, key, value) VALUES (?, ?, ?)"

  /// Records `run` with status `running`, and its tags, in one transaction,
  /// and returns the recorder for its metrics.
  ///
  /// - Throws: `StoreError` for a malformed id or a repeated tag key;
  ///   `SQLiteError` 2067 (UNIQUE) when a run with this id already exists.
  public func begin(_ run: NewRun) throws -> RunRecorder {
    guard NewRun.isValidID(run.id) else {
      throw StoreError(
        "run id '\(run.id)' is not a lower-case UUID; use UUID().uuidString.lowercased()")
    }
    precondition(run.settings.datasetHash != nil, "a run begins with its data loaded")
    var keys = Set<String>()
    for tag in run.tags where !keys.insert(tag.key).inserted {
      throw StoreError("tag '\(tag.key)' is given twice; give each tag key once")
    }
    let columns: [(name: String, value: SQLValue)] =
      [
        ("id", .text(run.id)), ("name", .nullable(run.name)),
        ("status", .text(RunStatus.running.rawValue)),
      ]
      + run.settings.columns
      + [
        ("started_at", .text(Timestamp.string(from: run.startedAt))),
        ("tracker_version", .text(run.trackerVersion)), ("host", .text(run.host)),
        ("pid", .integer(Int64(run.pid))), ("command", .text(run.command)),
        ("baseline", .nullable(run.baseline)),
      ]
    // The same text every time, so `statement` compiles it once per store.
    let insertRun =
      "INSERT INTO runs (\(columns.map(\.name).joined(separator: ", ")))"
      + " VALUES (\(placeholders(columns.count)))"
    let values = columns.map(\.value)
    let seq = try database.write {
      try statement(insertRun).execute(values)
      let seq = database.lastInsertRowID
      let insertTag = try statement(Self.insertTag)
      for tag in run.tags {
        try insertTag.execute([.integer(seq), .text(tag.key), .text(tag.value)])
      }
      return seq
    }
    return RunRecorder(store: self, runID: run.id, seq: seq, startedAt: run.startedAt)
  }

  /// The cached prepared statement for `sql`, compiled on first use.
  func statement(_ sql: String) throws -> Statement {
    if let cached = statements[sql] { return cached }
    let statement = try database.prepare(sql)
    statements[sql] = statement
    return statement
  }
}

@available(*, unavailable)
extension RunStore: Sendable {}
