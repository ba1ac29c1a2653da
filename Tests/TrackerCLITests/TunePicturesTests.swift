// `tracker plot --tune` and `tracker report --tune` on a hand-made tune: the
// sensitivity plot has a log lr axis, one line per optimizer and the selected
// rate marked; the HTML page holds it beside the tuned curves and the table.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

final class TunePicturesTests: ProcessTestCase {
  override func setUpWithError() throws {
    try super.setUpWithError()
    let store = try RunStore.open(path: db)
    _ = try makeTune(store)
    for seed: Int64 in [1, 2] {
      for (lr, validation) in [(0.01, 0.3), (0.1, 0.8), (1.0, 0.6)] {
        for optimizer in ["sgd", "adam"] {
          try record(
            store, optimizer, lr: lr, seed: seed, search: true, test: [validation],
            validation: validation)
        }
      }
    }
    for seed: Int64 in [1, 2, 3] {
      for optimizer in ["sgd", "adam"] {
        try record(
          store, optimizer, lr: 0.1, seed: seed, search: false, test: [0.3, 0.6, 0.8],
          validation: 0.8)
      }
    }
  }

  func testPlotDrawsTheSensitivityWithTheSelectedRateMarked() throws {
    let r = try tracker(["plot", "--db", db, "--tune", "made", "-o", "-"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let svg = r.stdout
    XCTAssertTrue(svg.contains("learning-rate sensitivity: made"), svg)
    XCTAssertTrue(svg.contains("learning rate (log scale)"))
    // Log ticks at powers of ten, one line per optimizer, one selected dot each.
    for tick in [">0.01<", ">0.1<", ">1<"] { XCTAssertTrue(svg.contains(tick), tick) }
    XCTAssertEqual(svg.components(separatedBy: "class=\"line\"").count - 1, 2)
    XCTAssertEqual(svg.components(separatedBy: "class=\"selected\"").count - 1, 2)
    for label in ["SGD (lr 0.1)", "Adam (lr 0.1)"] { XCTAssertTrue(svg.contains(label), label) }

    let bad = try tracker(["plot", "--db", db, "--tune", "made", "--run", "abc", "-o", "-"])
    XCTAssertEqual(bad.status, 64, bad.stderr)
    let unknown = try tracker(["plot", "--db", db, "--tune", "other", "-o", "-"])
    XCTAssertTrue(unknown.stderr.contains("no tune named 'other'"), unknown.stderr)
  }

  func testReportShowsTheSensitivityBesideTheTunedCurvesAndTheTable() throws {
    let r = try tracker(["report", "--db", db, "--tune", "made", "-o", "-"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let html = r.stdout
    XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
    XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 2)
    XCTAssertTrue(html.contains("learning-rate sensitivity: made"))
    XCTAssertTrue(html.contains("confirm runs at the selected rates"))
    XCTAssertTrue(html.contains("p (Holm)"), "the table")
  }
}
