// RunStore+Path: checks that a --db value names a file that can hold a tracker
// database, before SQLite sees it: nothing is created, opened or modified.
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension RunStore {
  /// The 16 bytes every SQLite 3 database file starts with
  /// (https://sqlite.org/fileformat.html#the_database_header).
  static let sqliteHeader = Array("SQLite format 3\0".utf8)

  /// What is at a path, from stat(2), which (unlike opening) never blocks on a
  /// FIFO or touches a device.
  enum FileKind: Equatable {
    case missing, directory, other
    case regular(size: Int)
  }

  static func fileKind(_ path: String) -> FileKind {
    var info = stat()
    guard stat(path, &info) == 0 else { return .missing }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return .regular(size: Int(info.st_size))
    case S_IFDIR: return .directory
    default: return .other
    }
  }

  // MARK: - For writers (run, sweep, delete)

  /// Checks that `path` can hold a tracker database, without creating or
  /// modifying anything: its folder exists and is writable (WAL keeps `-wal`
  /// and `-shm` files beside the database), it is not a directory or a
  /// device, and an existing file is empty or starts with the SQLite header.
  ///
  /// SQLite itself would happily create a database inside a mistyped folder's
  /// sibling, or fail on a text file only at the first query with the vague
  /// "file is not a database"; this names the problem and the fix instead.
  public static func validatePath(_ path: String) throws {
    try checkForm(path)
    let fileManager = FileManager.default
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    guard fileKind(folder) == .directory else {
      throw StoreError(
        "folder '\(folder)' for '\(path)' does not exist; create it or pass a different --db")
    }
    guard fileManager.isWritableFile(atPath: folder) else {
      throw StoreError("folder '\(folder)' is not writable; pass a --db in a writable folder")
    }
    guard try checkExistingFile(path) != nil else { return }
    guard isWritable(path) else {
      throw StoreError("'\(path)' is read-only; make it writable or pass a different --db")
    }
  }

  /// Whether tracker may write `path`. root passes access(2) whatever the
  /// mode, so the mode bits count too: a file made read-only (chmod a-w) is
  /// one its owner wants left alone.
  static func isWritable(_ path: String) -> Bool {
    let fileManager = FileManager.default
    let mode = (try? fileManager.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0o600
    return fileManager.isWritableFile(atPath: path) && mode & 0o222 != 0
  }

  // MARK: - For readers (list, show, compare, plot, report)

  /// Checks that `path` is an existing, non-empty SQLite file, without
  /// creating or modifying anything. Unlike `validatePath`, a read-only file
  /// or folder is fine.
  public static func validateExistingPath(_ path: String) throws {
    try checkForm(path)
    guard fileKind(path) != .missing else {
      throw StoreError(
        "no database at '\(path)'; record a run first with 'tracker run --opt adam'"
          + " (or pass --db, or set TRACKER_DB)")
    }
    guard let size = try checkExistingFile(path), size > 0 else {
      throw StoreError(
        "'\(path)' is empty, not a tracker database; record a run into it with"
          + " 'tracker run --opt adam --db \(path)' or pass a different --db")
    }
  }

  // MARK: - Shared checks

  /// Refuses values that are not plain file paths. tracker never reads --db
  /// as a URI (`file:...?mode=ro` could reopen a read-only file for writing)
  /// nor as SQLite's special names (`:memory:` and "" would record runs that
  /// vanish when the process ends).
  static func checkForm(_ path: String) throws {
    if path.isEmpty {
      throw StoreError("--db is empty; pass a file path such as tracker.sqlite")
    }
    if path == ":memory:" {
      throw StoreError(
        "--db ':memory:' would keep the runs in memory, lost when tracker exits;"
          + " pass a file path (./:memory: for a file of that name)")
    }
    if path.lowercased().hasPrefix("file:") {
      throw StoreError(
        "--db '\(path)' looks like a SQLite URI, but --db takes a plain path;"
          + " write './\(path)' for a file of that name")
    }
    if path.hasSuffix("/") {
      throw StoreError(
        "--db '\(path)' names a folder; pass a file path such as '\(path)tracker.sqlite'")
    }
  }

  /// For a path that exists: refuses a directory, a device, FIFO or socket,
  /// an unreadable file and one that is not SQLite; returns the file's size,
  /// or nil when nothing is there.
  private static func checkExistingFile(_ path: String) throws -> Int? {
    let size: Int
    switch fileKind(path) {
    case .missing: return nil
    case .directory:
      throw StoreError(
        "'\(path)' is a directory; pass a file path such as '\(path)/tracker.db' as --db")
    case .other:
      throw StoreError(
        "'\(path)' is not a regular file (a device, FIFO or socket); pass a file path"
          + " such as tracker.sqlite")
    case .regular(let bytes): size = bytes
    }
    guard let file = FileHandle(forReadingAtPath: path) else {
      throw StoreError("cannot read '\(path)'; check its permissions or pass a different --db")
    }
    defer { try? file.close() }
    let header = (try? file.read(upToCount: sqliteHeader.count)).map { Array($0) } ?? []
    guard header.isEmpty || header == sqliteHeader else {
      throw StoreError("'\(path)' is not a SQLite database; pass a different --db")
    }
    return size
  }
}
