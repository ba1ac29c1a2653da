// FormatTests: the writers behind --format (JSON, CSV, Markdown, text table)
// on awkward values, each parsed back; and the human number formats.
import Foundation
import XCTest

@testable import TrackerReports
@testable import tracker

final class FormatTests: RunsFixtureTestCase {
  let awkward = ["plain", "a,b", "say \"hi\"", "two\nlines", "pipe | here", "tab\there", "é ✓", ""]

  func testJSONStringsAndNumbersRoundTrip() throws {
    let value = JSONValue.object([
      ("strings", .array(awkward.map { .string($0) })),
      ("control", .string("\u{1}\u{1f}")),
      ("numbers", .array([.number(0.1), .number(1e-300), .int(-7), .number(.nan), .number(nil)])),
      ("empty", .object([])), ("none", .array([])), ("flag", .bool(true)),
    ])
    let parsed = try XCTUnwrap(parseJSON(value.rendered()) as? [String: Any])
    XCTAssertEqual(parsed["strings"] as? [String], awkward)
    XCTAssertEqual(parsed["control"] as? String, "\u{1}\u{1f}")
    let numbers = try XCTUnwrap(parsed["numbers"] as? [Any])
    XCTAssertEqual(numbers[0] as? Double, 0.1)
    XCTAssertEqual(numbers[1] as? Double, 1e-300)
    XCTAssertEqual(numbers[2] as? Int, -7)
    XCTAssertTrue(numbers[3] is NSNull, "NaN becomes null")
    XCTAssertTrue(numbers[4] is NSNull)
    XCTAssertEqual(parsed["flag"] as? Bool, true)
    XCTAssertTrue(value.rendered().contains("\"numbers\": [\n    0.1,"), "shortest double form")
  }

  func testCSVFieldsRoundTrip() {
    let text = CSV.render(header: ["a", "b"], rows: awkward.map { [$0, "x"] })
    XCTAssertEqual(parseCSV(text), [["a", "b"]] + awkward.map { [$0, "x"] })
  }

  func testMarkdownCellsRoundTrip() {
    let text = Markdown.table(
      header: ["a", "b"], rightAligned: [false, true],
      rows: awkward.filter { !$0.contains("\n") }.map { [$0, "1"] })
    XCTAssertTrue(text.contains("| --- | --: |"), text)
    XCTAssertEqual(
      parseMarkdownTable(text),
      [["a", "b"]] + awkward.filter { !$0.contains("\n") }.map { [$0, "1"] })
  }

  func testTextTableAlignsAndNarrowsGaps() {
    var table = TextTable(
      columns: [.init(title: "name", alignment: .left), .init(title: "n"), .init(title: "m")],
      spans: [.init(title: "nums", columns: 1...2)],
      rows: [["a", "1", "22"], ["bbb", "333", "4"]])
    XCTAssertEqual(
      table.render(),
      """
             nums
      name    n   m
      a       1  22
      bbb   333   4

      """)
    table.maximumWidth = 12  // 4 + 3 + 2 and gaps 2, 2 = 13: 1 space inside the span
    XCTAssertEqual(table.render().split(separator: "\n")[2], "a       1 22")
    table.maximumWidth = 11  // 1 space everywhere
    XCTAssertEqual(table.render().split(separator: "\n")[2], "a      1 22")
    // A span title wider than its columns widens the last of them.
    table.spans = [.init(title: "numbers!", columns: 1...2)]
    XCTAssertEqual(table.render().split(separator: "\n")[0], "     numbers!")
    XCTAssertEqual(table.render().split(separator: "\n")[2], "a      1   22")
  }

  func testHumanFormats() {
    XCTAssertEqual(Format.percent(0.95123), "95.12")
    XCTAssertEqual(Format.percent(nil), "-")
    XCTAssertEqual(Format.points(-0.805), "-80.50")
    XCTAssertEqual(Format.iteration(15), "15")
    XCTAssertEqual(Format.iteration(12.5), "12.5")
    XCTAssertEqual(Format.duration(12.34), "12.3s")
    XCTAssertEqual(Format.duration(65), "1m05s")
    XCTAssertEqual(Format.duration(3720), "1h02m")
    XCTAssertEqual(Format.minute("2026-11-29T12:00:00.250Z"), "2026-11-29 12:00")
    XCTAssertEqual(Format.pValue(0.0342), "0.034")
    XCTAssertEqual(Format.pValue(1.23e-15), "1.2e-15")
  }
}
