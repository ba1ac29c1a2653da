// MigratorTests: applying, re-applying, refusing and rolling back migrations,
// and the embedded list matching migrations/*.sql on disk.
import Foundation
import XCTest

@testable import TrackerStore

final class MigratorTests: StoreTestCase {
  func testMigratesAnEmptyFile() throws {
    XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
    let database = try RunStore.open(path: path).database
    let tables = Set(
      try rows(database, "SELECT name FROM sqlite_master WHERE type = 'table'").map { $0[0] })
    let expected = Set(
      ["evals", "losses", "run_tags", "runs", "schema_migrations"].map { SQLValue.text($0) })
    XCTAssertTrue(expected.isSubset(of: tables), "\(tables)")
    let applied = try rows(database, "SELECT id, applied_at FROM schema_migrations ORDER BY id")
    XCTAssertEqual(applied.map { $0[0] }, Migrator.embedded.map { .text($0.id) })
    for row in applied {
      guard case .text(let appliedAt) = row[1] else { return XCTFail("applied_at is \(row[1])") }
      XCTAssertNotNil(Timestamp.date(from: appliedAt), appliedAt)
    }
  }

  func testReopeningAMigratedFileChangesNothing() throws {
    let first = try RunStore.open(path: path).database
    let before = try rows(first, "SELECT id, applied_at FROM schema_migrations ORDER BY id")
    let schema = try rows(first, "SELECT sql FROM sqlite_master ORDER BY name")
    let second = try RunStore.open(path: path).database
    XCTAssertEqual(
      try rows(second, "SELECT id, applied_at FROM schema_migrations ORDER BY id"), before)
    XCTAssertEqual(try rows(second, "SELECT sql FROM sqlite_master ORDER BY name"), schema)
  }

  func testRefusesADatabaseFromANewerTracker() throws {
    let database = try RunStore.open(path: path).database
    try database.execute(
      "INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)",
      [.text("9999_from_the_future"), .text("2030-01-01T00:00:00.000Z")])
    XCTAssertThrowsError(try RunStore.open(path: path)) { error in
      XCTAssertTrue(error is StoreError)
      XCTAssertEqual(
        "\(error)",
        "\(path) was written by a newer tracker (schema 9999_from_the_future); upgrade tracker to open it"
      )
    }
  }

  func testFailingMigrationRollsBackAndStopsLaterOnes() throws {
    let migrations = [
      Migration(id: "0001_a", sql: "CREATE TABLE a (x);"),
      Migration(id: "0002_b", sql: "CREATE TABLE b (x); INSERT INTO missing VALUES (1);"),
      Migration(id: "0003_c", sql: "CREATE TABLE c (x);"),
    ]
    let database = try Database(path: path)
    XCTAssertThrowsError(try Migrator.migrate(database, migrations: migrations)) { error in
      XCTAssertTrue(error is StoreError)
      XCTAssertEqual(
        "\(error)",
        "cannot upgrade \(self.path) to schema 0002_b: SQLite error 1: no such table: missing"
          + " (while executing INSERT INTO missing VALUES (1)); rolled back, the file keeps its earlier schema"
      )
    }
    XCTAssertTrue(database.isAutocommit)
    XCTAssertEqual(try Migrator.appliedIDs(database), ["0001_a"])
    let tables = try rows(database, "SELECT name FROM sqlite_master WHERE name IN ('a', 'b', 'c')")
    XCTAssertEqual(tables, [[.text("a")]])

    // Fixed, the rest apply on the next open and the first is not re-run.
    var fixed = migrations
    fixed[1] = Migration(id: "0002_b", sql: "CREATE TABLE b (x);")
    try Migrator.migrate(database, migrations: fixed)
    XCTAssertEqual(try Migrator.appliedIDs(database), ["0001_a", "0002_b", "0003_c"])
  }

  /// Several connections opening one brand-new file at once: each migration
  /// must run exactly once and no opener may fail.
  func testConcurrentOpenersOfANewFileDoNotRace() throws {
    final class Failures: @unchecked Sendable {
      let lock = NSLock()
      var messages: [String] = []
    }
    let failures = Failures()
    let path = self.path
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      do {
        _ = try RunStore.open(path: path)
      } catch {
        failures.lock.withLock { failures.messages.append("\(error)") }
      }
    }
    XCTAssertEqual(failures.messages, [])
    let database = try Database(path: path)
    XCTAssertEqual(
      try int(database, "SELECT count(*) FROM schema_migrations"), Int64(Migrator.embedded.count))
    XCTAssertEqual(try rows(database, "PRAGMA journal_mode"), [[.text("wal")]])
  }

  /// The build plugin's output must equal migrations/*.sql byte for byte: the
  /// files are the source of truth and the binary carries the copy.
  func testEmbeddedMigrationsEqualFilesOnDisk() throws {
    let folder = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appending(path: "migrations")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasSuffix(".sql") }.sorted()
    XCTAssertFalse(files.isEmpty, "no migrations in \(folder.path)")
    let onDisk = try files.map { file in
      let data = try Data(contentsOf: folder.appending(path: file))
      return Migration(
        id: String(file.dropLast(4)), sql: try XCTUnwrap(String(data: data, encoding: .utf8)))
    }
    XCTAssertEqual(
      Migrator.embedded, onDisk,
      "embedded migrations differ from migrations/*.sql: rebuild; if that does not help, check that"
        + " Plugins/EmbedMigrations/migrations is still a symlink to ../../migrations")
  }
}
