// DatabaseTests: the SQLite wrapper: errors with extended codes, value round
// trips, transactions, and visibility across connections in WAL mode.
import Foundation
import XCTest

@testable import TrackerStore

final class DatabaseTests: StoreTestCase {
  func testConnectionSettings() throws {
    let database = try Database(path: path)
    XCTAssertEqual(try rows(database, "PRAGMA journal_mode"), [[.text("wal")]])
    XCTAssertEqual(try int(database, "PRAGMA foreign_keys"), 1)
    XCTAssertEqual(try int(database, "PRAGMA synchronous"), 1)  // NORMAL
  }

  func testUniqueViolationHasExtendedCodeAndDescription() throws {
    let database = try Database(path: path)
    try database.execute("CREATE TABLE t (name TEXT UNIQUE)")
    let insert = "INSERT INTO t (name) VALUES (?)"
    try database.execute(insert, [.text("a")])
    XCTAssertThrowsError(try database.execute(insert, [.text("a")])) { error in
      guard let error = error as? SQLiteError else { return XCTFail("not a SQLiteError: \(error)") }
      XCTAssertEqual(error.code, 2067)  // SQLITE_CONSTRAINT_UNIQUE
      XCTAssertEqual(error.primaryCode, 19)  // SQLITE_CONSTRAINT
      XCTAssertTrue(error.isConstraintViolation)
      XCTAssertEqual(error.message, "UNIQUE constraint failed: t.name")
      XCTAssertEqual(error.sql, insert)
      XCTAssertEqual(
        error.description,
        "SQLite error 2067: UNIQUE constraint failed: t.name (while executing INSERT INTO t (name) VALUES (?))"
      )
    }
  }

  func testSyntaxErrorNamesTheFailingStatement() throws {
    let database = try Database(path: path)
    XCTAssertThrowsError(try database.execute("CREATE TABLE a (x); SELEC 1; CREATE TABLE b (x)")) {
      error in
      XCTAssertEqual((error as? SQLiteError)?.code, 1)
      XCTAssertEqual((error as? SQLiteError)?.sql, "SELEC 1; CREATE TABLE b (x)")
    }
    XCTAssertEqual(
      try int(database, "SELECT count(*) FROM sqlite_master WHERE name IN ('a', 'b')"), 1)
  }

  func testValuesRoundTrip() throws {
    let database = try Database(path: path)
    try database.execute("CREATE TABLE t (v)")
    let values: [SQLValue] = [
      .null, .integer(Int64.min), .integer(Int64.max), .real(-0.125), .real(1e300),
      .text(""), .text("it's; \"quoted\"\n\u{0}nul ünïcødé 🚀"), .blob([]), .blob([0, 1, 255]),
    ]
    let insert = try database.prepare("INSERT INTO t (v) VALUES (?)")
    for value in values { try insert.execute([value]) }
    XCTAssertEqual(try rows(database, "SELECT v FROM t ORDER BY rowid").map { $0[0] }, values)
  }

  func testTypedReads() throws {
    let database = try Database(path: path)
    let statement = try database.prepare("SELECT 7, 2.5, 'x', NULL")
    XCTAssertTrue(try statement.step())
    XCTAssertEqual(statement.int64(0), 7)
    XCTAssertEqual(statement.double(1), 2.5)
    XCTAssertEqual(statement.text(2), "x")
    XCTAssertEqual(statement.optionalInt64(0), 7)
    XCTAssertNil(statement.optionalInt64(3))
    XCTAssertNil(statement.optionalDouble(3))
    XCTAssertNil(statement.optionalText(3))
    XCTAssertEqual(statement.optionalText(2), "x")
    XCTAssertFalse(try statement.step())
    // Reusable after reset, with new bindings each time.
    let square = try database.prepare("SELECT ? * ?")
    for n in Int64(1)...3 {
      var result: Int64 = 0
      try square.forEachRow([.integer(n), .integer(n)]) { result = $0.int64(0) }
      XCTAssertEqual(result, n * n)
    }
  }

  func testWriteRollsBackWhenBodyThrows() throws {
    struct Oops: Error {}
    let database = try Database(path: path)
    try database.execute("CREATE TABLE t (x)")
    XCTAssertThrowsError(
      try database.write {
        try database.execute("INSERT INTO t VALUES (1)")
        throw Oops()
      })
    XCTAssertTrue(database.isAutocommit)
    XCTAssertEqual(try int(database, "SELECT count(*) FROM t"), 0)
    try database.write { try database.execute("INSERT INTO t VALUES (2)") }
    XCTAssertEqual(try int(database, "SELECT count(*) FROM t"), 1)
  }

  func testOpeningANonDatabaseFails() throws {
    try Data("hello, not a database, but longer than one hundred bytes... ".utf8).write(
      to: URL(fileURLWithPath: path))
    XCTAssertThrowsError(try Database(path: path)) { error in
      XCTAssertEqual((error as? SQLiteError)?.primaryCode, 26)  // SQLITE_NOTADB
    }
  }

  func testRunWrittenByOneConnectionIsVisibleToAnother() throws {
    let writer = try RunStore.open(path: path)
    let reader = try Database(path: path)
    let run = makeRun()
    let recorder = try writer.begin(run)
    XCTAssertEqual(try int(reader, "SELECT count(*) FROM runs WHERE id = ?", [.text(run.id)]), 1)
    for i in 1...10 { try recorder.logLoss(iteration: i, loss: 1 / Double(i)) }
    try recorder.flush()
    XCTAssertEqual(try int(reader, "SELECT count(*) FROM losses"), 10)

    // A read transaction keeps its snapshot while the writer commits more.
    try reader.read {
      XCTAssertEqual(try int(reader, "SELECT count(*) FROM losses"), 10)
      try recorder.finish(status: .completed, endedAt: run.startedAt + 60)
      XCTAssertEqual(try rows(reader, "SELECT status FROM runs"), [[.text("running")]])
    }
    XCTAssertEqual(try rows(reader, "SELECT status FROM runs"), [[.text("completed")]])
  }
}
