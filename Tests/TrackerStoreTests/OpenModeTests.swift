import CSQLite
// OpenModeTests: readers open read-only and never create, convert or migrate;
// no command turns an empty or foreign file into a tracker database; --db is a
// plain path; a damaged schema or page is refused at open with one line.
import Foundation
import TrackerTestSupport
import XCTest

@testable import TrackerStore

#if canImport(Glibc)
  import Glibc
#endif

final class OpenModeTests: StoreTestCase {
  private func assertRefused(
    _ open: @autoclosure () throws -> Any, _ expected: String, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    XCTAssertThrowsError(try open(), file: file, line: line) { error in
      XCTAssertTrue("\(error)".contains(expected), "\(error)", file: file, line: line)
      XCTAssertFalse("\(error)".contains("\n"), "one line: \(error)", file: file, line: line)
    }
  }

  /// Names in `folder`, sorted.
  private func listing() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
  }

  /// A SQLite file of another application, in rollback-journal mode.
  private func foreignDatabase() throws -> Data {
    do {
      let other = try Database(path: path)
      try other.execute("PRAGMA journal_mode = DELETE")
      try other.execute("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')")
    }
    return try Data(contentsOf: URL(fileURLWithPath: path))
  }

  // MARK: - Files that are not tracker databases

  func testReadersCreateNothingForAMissingOrEmptyFile() throws {
    assertRefused(try RunStore.openExisting(path: path), "no database at '\(path)'")
    XCTAssertEqual(try listing(), [])
    XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
    for forWriting in [false, true] {
      assertRefused(
        try RunStore.openExisting(path: path, forWriting: forWriting),
        "'\(path)' is empty, not a tracker database")
    }
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data())
    XCTAssertEqual(try listing(), ["test.db"])
  }

  func testAnotherApplicationsDatabaseIsRefusedByteForByte() throws {
    let before = try foreignDatabase()
    let expected = "'\(path)' is not a tracker database (it has tables but no schema_migrations)"
    assertRefused(try RunStore.openExisting(path: path), expected)
    assertRefused(try RunStore.openExisting(path: path, forWriting: true), expected)
    assertRefused(try RunStore.open(path: path), expected)
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
    XCTAssertEqual(try listing(), ["test.db"], "no -wal or -shm: still in rollback mode")
  }

  func testAnEmptySQLiteFileMayBecomeATrackerDatabase() throws {
    do { _ = try Database(path: path) }  // a header, no tables
    _ = try RunStore.open(path: path)
    XCTAssertEqual(
      try int(Database(path: path), "SELECT count(*) FROM schema_migrations"),
      Int64(Migrator.embedded.count))
  }

  // MARK: - Readers

  func testReadersOpenReadOnlyAndNeverWrite() throws {
    _ = try RunStore.open(path: path)
    let store = try RunStore.openExisting(path: path)
    XCTAssertEqual(store.database.mode, .readOnly)
    XCTAssertEqual(try store.count(matching: RunFilter()), 0)
    XCTAssertThrowsError(try store.database.execute("DELETE FROM runs")) { error in
      XCTAssertEqual((error as? SQLiteError)?.primaryCode, SQLITE_READONLY)
    }
  }

  func testAnOlderDatabaseIsReadThroughAnUpgradedCopyAndNeverMigrated() throws {
    try DatabaseFiles.writeOlder(at: path, migrations: 1)
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let store = try RunStore.openExisting(path: path)
    XCTAssertEqual(store.database.mode, .memory, "read through a copy migrated in memory")
    XCTAssertEqual(try store.runs(matching: RunFilter()).map(\.optimizer), ["sgd"])
    XCTAssertEqual(
      try Data(contentsOf: URL(fileURLWithPath: path)), before, "the file is left as it was")
    XCTAssertEqual(
      try int(Database(path: path, mode: .readOnly), "SELECT count(*) FROM schema_migrations"), 1,
      "not migrated")
    // A writing command upgrades the file itself.
    _ = try RunStore.openExisting(path: path, forWriting: true)
    XCTAssertEqual(
      try int(Database(path: path, mode: .readOnly), "SELECT count(*) FROM schema_migrations"),
      Int64(Migrator.embedded.count))
  }

  func testAReadOnlyFileCanBeReadButNotWritten() throws {
    let recorder = try RunStore.open(path: path).begin(makeRun())
    try recorder.finish(status: .completed, endedAt: Date())
    try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    XCTAssertEqual(try RunStore.openExisting(path: path).count(matching: RunFilter()), 1)
    assertRefused(try RunStore.open(path: path), "'\(path)' is read-only; make it writable")
    assertRefused(
      try RunStore.openExisting(path: path, forWriting: true), "'\(path)' is read-only")
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
  }

  /// A WAL database in a folder nobody may write (a read-only mount): SQLite
  /// can't create its -shm file there, so it is read as immutable. Needs root
  /// (to mount); root ignores a folder's mode bits, so chmod can't stand in.
  func testADatabaseOnAReadOnlyMountCanBeRead() throws {
    let source = folder.appending(path: "source")
    let mountPoint = folder.appending(path: "mounted")
    for url in [source, mountPoint] {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    }
    let file = source.appending(path: "t.db").path
    do {
      let recorder = try RunStore.open(path: file).begin(makeRun())
      try recorder.finish(status: .completed, endedAt: Date())
    }
    guard mount(["--bind", source.path, mountPoint.path]) else {
      throw XCTSkip("needs root to mount a folder read-only")
    }
    defer { _ = mount(["-u", mountPoint.path]) }
    guard mount(["-o", "remount,bind,ro", mountPoint.path]) else {
      throw XCTSkip("cannot remount read-only")
    }
    let readOnly = mountPoint.appending(path: "t.db").path
    let store = try RunStore.openExisting(path: readOnly)
    XCTAssertEqual(store.database.mode, .immutable)
    XCTAssertEqual(try store.runs(matching: RunFilter()).map(\.name), ["adam-1"])
    assertRefused(try RunStore.open(path: readOnly), "is not writable")
  }

  /// Runs mount(8), or umount(8) for ["-u", dir]; false when it fails.
  private func mount(_ arguments: [String]) -> Bool {
    let process = Process()
    let unmount = arguments.first == "-u"
    process.executableURL = URL(fileURLWithPath: unmount ? "/bin/umount" : "/bin/mount")
    process.arguments = unmount ? Array(arguments.dropFirst()) : arguments
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
  }

  // MARK: - --db is a plain path

  func testValuesThatCannotHoldADatabaseAreRefused() throws {
    let fifo = folder.appending(path: "fifo").path
    XCTAssertEqual(mkfifo(fifo, 0o644), 0)
    for (value, expected) in DatabaseFiles.unusablePaths(fifo: fifo) {
      assertRefused(try RunStore.open(path: value), expected)
      assertRefused(try RunStore.openExisting(path: value), expected)
    }
    XCTAssertEqual(try listing(), ["fifo"])
  }

  func testARelativePathIsNeverAURI() throws {
    // "./file:x" is a file of that name: SQLite reads only names that start
    // with "file:" as URIs, and Database passes relative paths as "./path".
    let previous = FileManager.default.currentDirectoryPath
    FileManager.default.changeCurrentDirectoryPath(folder.path)
    defer { FileManager.default.changeCurrentDirectoryPath(previous) }
    _ = try RunStore.open(path: "./file:x.db")
    let names = try listing()
    XCTAssertTrue(names.contains("file:x.db"), "\(names)")
  }

  // MARK: - Damage

  func testAMissingTableOrColumnIsRefusedAtOpen() throws {
    _ = try RunStore.open(path: path)
    try Database(path: path).execute("DROP TABLE losses")
    let expected = "'\(path)' is damaged (table losses is missing); restore it from a backup"
    assertRefused(try RunStore.open(path: path), expected)
    assertRefused(try RunStore.openExisting(path: path), expected)

    try FileManager.default.removeItem(atPath: path)
    _ = try RunStore.open(path: path)
    try Database(path: path).execute(
      "DROP VIEW samples; DROP VIEW run_summaries; ALTER TABLE runs DROP COLUMN final_loss")
    assertRefused(
      try RunStore.openExisting(path: path), "is damaged (column runs.final_loss is missing)")
  }

  func testACorruptedPageGivesOneLine() throws {
    let store = try RunStore.open(path: path)
    let recorder = try store.begin(makeRun())
    for i in 1...3000 { try recorder.logLoss(iteration: i, loss: 1) }
    try recorder.finish(status: .completed, endedAt: Date())
    try store.checkpoint()
    let size = try XCTUnwrap(
      FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    // Overwrite the last pages, which hold losses: open succeeds, reading them fails.
    let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
    try handle.seek(toOffset: UInt64(size - 4 * 4096))
    handle.write(Data(repeating: 0xFF, count: 4 * 4096))
    try handle.close()
    do {
      let reader = try RunStore.openExisting(path: path)
      _ = try reader.details(of: reader.resolve(recorder.runID))
      XCTFail("read a damaged file")
    } catch {
      XCTAssertEqual(
        "\(error)",
        "'\(path)' is damaged (database disk image is malformed); restore it from a backup"
          + " or pass a different --db")
    }
  }
}
