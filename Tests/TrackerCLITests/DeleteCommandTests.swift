// DeleteCommandTests: `tracker delete` asks, deletes every run given or none,
// and leaves no orphan metric or tag rows.
import ArgumentParser
import Foundation
import TrackerStore
import XCTest

@testable import tracker

final class DeleteCommandTests: RunsFixtureTestCase {
  func count(_ table: String) throws -> Int {
    var count = 0
    try store().database.prepare("SELECT count(*) FROM \(table)").forEachRow {
      count = Int($0.int64(0))
    }
    return count
  }

  func testAsksAndDeletesWithTheirMetrics() throws {
    let first = try record(seed: 1, tags: [("k", "v")])
    try record(seed: 2, tags: [("k", "w")])
    let delete = try command(["delete", String(first.prefix(8))], as: Tracker.Delete.self)
    var asked = ""
    let output = try delete.perform(store()) { question in
      asked = question
      return true
    }
    XCTAssertTrue(asked.contains("delete 1 run and their metrics"), asked)
    XCTAssertTrue(asked.hasSuffix("[y/N] "), asked)
    XCTAssertTrue(output.hasPrefix("deleted 1 run:"), output)
    XCTAssertEqual(try count("runs"), 1)
    for table in ["losses", "evals", "run_tags"] {
      var orphans = 0
      try store().database.prepare(
        "SELECT count(*) FROM \(table) WHERE run_seq NOT IN (SELECT seq FROM runs)"
      ).forEachRow { orphans = Int($0.int64(0)) }
      XCTAssertEqual(orphans, 0, "orphans in \(table)")
    }
    XCTAssertEqual(try count("evals"), 3)
  }

  func testNoMeansNothingDeleted() throws {
    let id = try record()
    let delete = try command(["delete", id], as: Tracker.Delete.self)
    XCTAssertThrowsError(try delete.perform(store()) { _ in false }) { error in
      XCTAssertEqual(error as? ExitCode, ExitCode.failure)
    }
    XCTAssertEqual(try count("runs"), 1)
  }

  func testYesSkipsTheQuestionAndAnyBadPrefixDeletesNothing() throws {
    let a = try record(seed: 1)
    let b = try record(seed: 2)
    let bad = try command(["delete", a, "zzzz", "--yes"], as: Tracker.Delete.self)
    XCTAssertThrowsError(
      try bad.perform(store()) { _ in
        XCTFail("asked")
        return false
      })
    XCTAssertEqual(try count("runs"), 2)
    let good = try command(["delete", a, b, a, "-y"], as: Tracker.Delete.self)
    let output = try good.perform(store()) { _ in
      XCTFail("asked despite --yes")
      return false
    }
    XCTAssertTrue(output.hasPrefix("deleted 2 runs:"), output)
    XCTAssertEqual(try count("runs"), 0)
    XCTAssertEqual(try count("losses"), 0)
  }

  func testNeedsARun() {
    XCTAssertThrowsError(try Tracker.parseAsRoot(["delete"]))
  }
}
