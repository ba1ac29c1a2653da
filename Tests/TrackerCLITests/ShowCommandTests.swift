// ShowCommandTests: `tracker show` by prefix, in text and JSON.
import Foundation
import TrackerReports
import TrackerStore
import XCTest

@testable import tracker

final class ShowCommandTests: RunsFixtureTestCase {
  func report(_ arguments: [String]) throws -> String {
    try command(["show"] + arguments, as: Tracker.Show.self).report(store())
  }

  func testTextShowsEverything() throws {
    let id = try record(
      seed: 5, accuracies: [0.1, 0.3, 0.9, 0.95], lastLoss: 0.25, tags: [("sweep", "lr")],
      name: "adam-5")
    let text = try report([String(id.prefix(6))])
    for expected in [
      id, "adam-5", "completed", "lr=0.001", "beta2=0.999", "sweep=lr", "95.00%",
      "(iteration 40)", "iteration 20 (test acc >= 16.35% = baseline 11.35% + 5.00%)", "0.250",
      "testhost", "tracker run --opt adam", "iterations 10-40",
    ] {
      XCTAssertTrue(text.contains(expected), "missing \(expected) in:\n\(text)")
    }
    // One character per evaluation, from low to high, and the start marked.
    XCTAssertTrue(text.contains("  ▁▃██\n"), text)
    XCTAssertTrue(text.contains("   ^ learning starts (iteration 20)"), text)
    for line in text.split(separator: "\n") {
      XCTAssertLessThanOrEqual(line.count, 80, String(line))
    }
  }

  func testLongCurvesFitIn80Columns() throws {
    let id = try record(accuracies: (0..<200).map { Double($0) / 200 })
    let text = try report([id])
    let curve = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("  ▁") })
    XCTAssertEqual(curve.count, 2 + RunDetailsReport.curveWidth)
    XCTAssertTrue(text.contains("200 evaluations in 72 characters"), text)
  }

  func testJSONParsesBack() throws {
    let id = try record(accuracies: [0.2, 0.4])
    let object = try XCTUnwrap(parseJSON(report([id, "--format", "json"])) as? [String: Any])
    XCTAssertEqual(object["id"] as? String, id)
    XCTAssertEqual((object["evaluations"] as? [[String: Any]])?.count, 2)
    XCTAssertEqual((object["environment"] as? [String: Any])?["host"] as? String, "testhost")
    XCTAssertEqual(object["loss_count"] as? Int, 20)
  }

  func testUnknownAndAmbiguousPrefixes() throws {
    try record(id: "aaaa0000-0000-4000-8000-000000000001")
    try record(optimizer: "sgd", seed: 9, id: "aaaa1111-0000-4000-8000-000000000002")
    XCTAssertThrowsError(try report(["aaaa"])) { error in
      XCTAssertEqual(
        "\(error)",
        "'aaaa' matches 2 runs in \(path): aaaa0000 adam seed 1, aaaa1111 sgd seed 9;"
          + " give more characters of the id")
    }
    XCTAssertThrowsError(try report(["b"])) { error in
      XCTAssertEqual("\(error)", "no run matches 'b' in \(path) (see 'tracker list')")
    }
  }
}
