// ValidatePathTests: RunStore.validatePath accepts only paths that can hold a
// tracker database, names the problem otherwise, and touches nothing.
import Foundation
import XCTest

@testable import TrackerStore

final class ValidatePathTests: StoreTestCase {
  private func assertRejected(
    _ path: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertThrowsError(try RunStore.validatePath(path), file: file, line: line) { error in
      XCTAssertTrue(error is StoreError, "\(type(of: error))", file: file, line: line)
      XCTAssertEqual("\(error)", expected, file: file, line: line)
    }
  }

  func testMissingFolder() throws {
    let missing = folder.appending(path: "nope").path
    assertRejected(
      "\(missing)/x.db",
      "folder '\(missing)' for '\(missing)/x.db' does not exist; create it or pass a different --db"
    )
    XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
    XCTAssertThrowsError(try RunStore.open(path: "\(missing)/x.db"))
    XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
  }

  func testDirectory() throws {
    let directory = folder.appending(path: "runs").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
    assertRejected(
      directory,
      "'\(directory)' is a directory; pass a file path such as '\(directory)/tracker.db' as --db")
  }

  func testTextFileIsRejectedAndLeftUntouched() throws {
    let text = folder.appending(path: "x.txt").path
    let contents = Data("notes: not a database\n".utf8)
    XCTAssertTrue(FileManager.default.createFile(atPath: text, contents: contents))
    assertRejected(text, "'\(text)' is not a SQLite database; pass a different --db")
    XCTAssertThrowsError(try RunStore.open(path: text))
    XCTAssertEqual(FileManager.default.contents(atPath: text), contents)
    // No -wal/-shm/-journal files appeared beside it.
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["x.txt"])
  }

  func testShortFileIsRejected() throws {
    XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("SQLite".utf8)))
    assertRejected(path, "'\(path)' is not a SQLite database; pass a different --db")
  }

  func testMissingAndEmptyFilesAreAccepted() throws {
    try RunStore.validatePath(path)
    XCTAssertFalse(FileManager.default.fileExists(atPath: path), "validatePath created the file")
    XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
    try RunStore.validatePath(path)
    XCTAssertEqual(FileManager.default.contents(atPath: path), Data())
  }

  func testRealDatabaseIsAccepted() throws {
    _ = try RunStore.open(path: path)
    try RunStore.validatePath(path)
    _ = try RunStore.open(path: path)
  }

  func testRelativePathUsesTheCurrentFolder() throws {
    try RunStore.validatePath("tracker-validate-test.db")
    XCTAssertFalse(FileManager.default.fileExists(atPath: "tracker-validate-test.db"))
  }
}
