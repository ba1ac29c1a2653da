// ListCommandTests: `tracker list` order, limit, filters and formats.
import Foundation
import TrackerStore
import XCTest

@testable import tracker

final class ListCommandTests: RunsFixtureTestCase {
  func report(_ arguments: [String]) throws -> (output: String, note: String?) {
    try command(["list"] + arguments, as: Tracker.List.self).report(store())
  }

  func testNewestFirstWithLimitAndNote() throws {
    try record(seed: 1, hour: 1, name: "first")
    try record(optimizer: "sgd", seed: 2, status: .diverged, hour: 3)
    try record(seed: 3, tags: [("sweep", "a")], hour: 2)
    let (output, note) = try report(["--limit", "2"])
    let lines = output.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.count, 4, output)  // two header lines, two runs
    XCTAssertTrue(lines[2].contains("sgd") && lines[2].contains("diverged"), output)
    XCTAssertTrue(lines[3].contains("sweep=a"), output)
    XCTAssertEqual(note, "showing the newest 2 of 3 runs; --limit 0 shows all")
    for line in lines { XCTAssertLessThanOrEqual(line.count, 80, line) }

    let all = try report(["--limit", "0"])
    XCTAssertNil(all.note)
    XCTAssertTrue(all.output.contains("first"))
  }

  func testJSONAndCSVParseBack() throws {
    let id = try record(seed: 7, accuracies: [0.1, 0.9], tags: [("note", "a,\"b\"")])
    let runs = try XCTUnwrap(parseJSON(report(["--format", "json"]).output) as? [[String: Any]])
    XCTAssertEqual(runs.count, 1)
    XCTAssertEqual(runs[0]["id"] as? String, id)
    XCTAssertEqual(runs[0]["seed"] as? Int, 7)
    XCTAssertEqual(runs[0]["final_test_acc"] as? Double, 0.9)
    XCTAssertEqual(runs[0]["learning_start"] as? Int, 20)
    XCTAssertEqual((runs[0]["tags"] as? [String: String])?["note"], "a,\"b\"")

    let rows = parseCSV(try report(["--format", "csv"]).output)
    XCTAssertEqual(rows.count, 2)
    let row = Dictionary(uniqueKeysWithValues: zip(rows[0], rows[1]))
    XCTAssertEqual(row["id"], id)
    XCTAssertEqual(row["tags"], "note=a,\"b\"")
    XCTAssertEqual(row["learning_start"], "20")

    let markdown = parseMarkdownTable(try report(["--format", "markdown"]).output)
    XCTAssertEqual(markdown.count, 2)
    XCTAssertEqual(markdown[1][0], String(id.prefix(8)))
    XCTAssertEqual(markdown[1][4], "90.00")
  }

  func testFiltersAndEmptyResults() throws {
    try record(optimizer: "adam", seed: 1)
    try record(optimizer: "sgd", seed: 2, status: .failed)
    XCTAssertEqual(try report(["sgd"]).output.split(separator: "\n").count, 3)
    XCTAssertEqual(try report(["--status", "completed"]).output.split(separator: "\n").count, 3)
    let none = try report(["--where", "lr=9"])
    XCTAssertEqual(none.output.split(separator: "\n").count, 2, "headers only")
    XCTAssertNotNil(none.note)
    XCTAssertEqual(try report(["--where", "lr=9", "--format", "json"]).output, "[]\n")
  }

  func testEmptyDatabaseIsAnError() throws {
    _ = try store()
    XCTAssertThrowsError(try report([])) { error in
      XCTAssertTrue("\(error)".contains("tracker run --opt adam"), "\(error)")
    }
  }
}
