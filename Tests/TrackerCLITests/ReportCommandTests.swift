// ReportCommandTests: `tracker report`: every run id of the database is in the
// page, the page is well-formed and self-contained (no network, no scripts),
// and holds the comparison table and the charts.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

@testable import tracker

#if canImport(FoundationXML)
  import FoundationXML
#endif

final class ReportCommandTests: RunsFixtureTestCase {
  /// Completed adam and sgd runs, plus a diverged and a still running one.
  @discardableResult
  func fill() throws -> [String] {
    [
      try record(optimizer: "adam", seed: 1, accuracies: [0.2, 0.5, 0.8], name: "a<1>"),
      try record(
        optimizer: "adam", seed: 2, accuracies: [0.3, 0.6, 0.9], tags: [("sweep", "x&y")]),
      try record(optimizer: "sgd", seed: 1, accuracies: [0.1, 0.11, 0.12]),
      try record(optimizer: "sgd", seed: 2, accuracies: [0.1, 0.1, 0.1], status: .diverged),
      try record(optimizer: "momentum", seed: 3, accuracies: [0.1, 0.2], status: .running),
    ]
  }

  func html(_ arguments: [String] = []) throws -> String {
    try command(["report", "-o", "r.html"] + arguments, as: Tracker.Report.self)
      .report(store()).html()
  }

  func testContainsEveryRunID() throws {
    let ids = try fill()
    let html = try html()
    let stored = try store().runs(matching: RunFilter()).map(\.id)
    XCTAssertEqual(Set(stored), Set(ids))
    for id in stored {
      XCTAssertTrue(html.contains(id), "run \(id) is missing")
    }
  }

  func testIsWellFormedAndSelfContained() throws {
    try fill()
    let html = try html()
    // Well-formed XML: every element closed, only XML's own entities.
    let document = try XMLDocument(data: Data(html.utf8))
    XCTAssertEqual(document.rootElement()?.name, "html")
    // Nothing that would fetch from anywhere: no scripts, links, sources or URLs.
    for forbidden in ["<script", "<link", "src=", "href=", "http:", "https:", "@import", "<img"] {
      XCTAssertFalse(html.lowercased().contains(forbidden), "the report holds '\(forbidden)'")
    }
    let charts = try document.nodes(forXPath: "//*[local-name()='svg'][@role='img']")
    XCTAssertEqual(charts.count, 4, "test accuracy, final test accuracy, loss and train accuracy")
    // Each group's swatch is its line as the charts draw it.
    let swatches = try document.nodes(forXPath: "//*[local-name()='svg'][@class='swatch']")
    XCTAssertEqual(swatches.count, 2)
    // Chart ids are unique in the page (each chart has its own clip path).
    let ids = try document.nodes(forXPath: "//@id").compactMap(\.stringValue)
    XCTAssertEqual(ids.count, Set(ids).count, "\(ids)")
    // Names and tags are escaped, and read back as written.
    let cells = try document.nodes(forXPath: "//*[local-name()='td']").compactMap(\.stringValue)
    XCTAssertTrue(cells.contains("a<1>"), "\(cells)")
    XCTAssertTrue(cells.contains("sweep=x&y"), "\(cells)")
  }

  func testComparisonTableAndCharts() throws {
    try fill()
    let document = try XMLDocument(data: Data(html().utf8))
    let groups = try document.nodes(forXPath: "//*[@class='groups']/*[local-name()='tbody']/*")
    XCTAssertEqual(groups.count, 2, "completed runs only: sgd and adam")
    let first = try XCTUnwrap(groups.first?.stringValue)
    XCTAssertTrue(first.contains("sgd"), first)
    let titles = try document.nodes(forXPath: "//*[local-name()='text'][@class='title']")
      .compactMap(\.stringValue)
    XCTAssertEqual(
      titles, ["test accuracy", "final test accuracy per group", "loss", "train accuracy"])
    let statuses = try document.nodes(forXPath: "//*[@class='runs']//*[local-name()='td'][4]")
      .compactMap(\.stringValue)
    XCTAssertEqual(
      statuses.sorted(), ["completed", "completed", "completed", "diverged", "running"])
  }

  func testFiltersAndErrors() throws {
    try fill()
    let html = try html(["adam"])
    XCTAssertEqual(html.components(separatedBy: "<td class=\"left id\">").count - 1, 2)
    XCTAssertThrowsError(try self.html(["rmsprop"])) { error in
      XCTAssertTrue("\(error)".contains("present:"), "\(error)")
    }
    XCTAssertThrowsError(try self.html(["adma"])) { error in
      XCTAssertTrue("\(error)".hasPrefix("unknown optimizer 'adma'"), "\(error)")
    }
    XCTAssertThrowsError(try Tracker.parseAsRoot(["report", "-o", "r.pdf"]))
  }

  func testWritesTheFile() throws {
    let ids = try fill()
    let output = folder.appending(path: "report.html").path
    let result = try TrackerProcess.run(["report", "--db", path, "-o", output])
    XCTAssertEqual(result.status, 0, result.stderr)
    let html = try String(contentsOfFile: output, encoding: .utf8)
    XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
    for id in ids { XCTAssertTrue(html.contains(id)) }
  }
}
