// PlotCommandTests: `tracker plot` on a known database: the SVG parses as XML
// and holds the expected series, band and labels; --metric, --log-scale and
// --run; PNG through rsvg-convert; the errors.
import ArgumentParser
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

@testable import TrackerReports
@testable import tracker

#if canImport(FoundationXML)
  import FoundationXML
#endif

final class PlotCommandTests: RunsFixtureTestCase {
  /// sgd: 2 runs that never learn; adam: 3 runs (means 0.3, 0.6, 0.9 over
  /// evaluations at 10, 20, 30); a diverged adam run left out by default.
  func fill() throws {
    try record(optimizer: "sgd", seed: 1, accuracies: [0.1, 0.11, 0.12])
    try record(optimizer: "sgd", seed: 2, accuracies: [0.1, 0.11, 0.1])
    try record(optimizer: "adam", seed: 1, accuracies: [0.2, 0.5, 0.8])
    try record(optimizer: "adam", seed: 2, accuracies: [0.3, 0.6, 0.9])
    try record(optimizer: "adam", seed: 3, accuracies: [0.4, 0.7, 1.0])
    try record(optimizer: "adam", seed: 4, accuracies: [0.1, 0.1, 0.1], status: .diverged)
  }

  func plot(_ arguments: [String]) throws -> (LineChart, XMLDocument) {
    let command = try command(["plot", "-o", "out.svg"] + arguments, as: Tracker.Plot.self)
    let (chart, _) = try command.chart(store())
    return (chart, try XMLDocument(data: Data(chart.svg().utf8)))
  }

  func strings(_ document: XMLDocument, _ xpath: String) throws -> [String] {
    try document.nodes(forXPath: xpath).compactMap(\.stringValue)
  }

  func texts(_ document: XMLDocument) throws -> [String] {
    try strings(document, "//*[local-name()='text']")
  }

  /// Stroke colour of each series, in legend order.
  func seriesColors(_ chart: LineChart) -> [String: String] {
    Dictionary(uniqueKeysWithValues: chart.series.map { ($0.label, $0.color) })
  }

  func testEachOptimizerKeepsItsColourWhateverTheSelection() throws {
    try fill()
    try record(optimizer: "rmsprop", seed: 1, accuracies: [0.3, 0.6, 0.9])
    let (both, _) = try plot(["sgd", "adam"])
    let (adamOnly, _) = try plot(["adam"])
    let (three, _) = try plot(["rmsprop", "adam", "sgd"])
    let adam = try XCTUnwrap(seriesColors(both)["adam (3 runs)"])
    XCTAssertEqual(seriesColors(adamOnly)["adam (3 runs)"], adam)
    XCTAssertEqual(seriesColors(three)["adam (3 runs)"], adam)
    XCTAssertEqual(seriesColors(three)["sgd (2 runs)"], seriesColors(both)["sgd (2 runs)"])
    XCTAssertEqual(Set(seriesColors(three).values).count, 3)
    // Two settings of one optimizer: its one colour, told apart by dash.
    try record(optimizer: "adam", seed: 1, lr: 0.01, accuracies: [0.3, 0.6, 0.9])
    let (lrs, _) = try plot(["adam", "--no-per-seed"])
    XCTAssertEqual(lrs.series.count, 2)
    XCTAssertEqual(Set(lrs.series.map(\.color)), [adam])
    XCTAssertEqual(lrs.series.map(\.dash), ["none", "8 4"])
  }

  func testGroupsAsLinesAndBands() throws {
    try fill()
    let (chart, svg) = try plot(["sgd", "adam", "--no-per-seed"])
    let root = try XCTUnwrap(svg.rootElement())
    XCTAssertEqual(root.name, "svg")
    // (XPath rather than attribute(forName:), which misses attributes in a
    // namespaced document on Linux.)
    let width = try root.nodes(forXPath: "@width").first?.stringValue
    let height = try root.nodes(forXPath: "@height").first?.stringValue
    XCTAssertGreaterThanOrEqual(Double(width ?? "") ?? 0, 800)
    XCTAssertGreaterThanOrEqual(Double(height ?? "") ?? 0, 500)

    let series = try strings(svg, "//*[local-name()='g'][@class='series']/*[local-name()='title']")
    XCTAssertEqual(series, ["sgd (2 runs)", "adam (3 runs)"])
    XCTAssertEqual(try svg.nodes(forXPath: "//*[local-name()='path'][@class='band']").count, 2)
    let texts = try texts(svg)
    for expected in [
      "test accuracy", "iteration", "sgd (2 runs)", "adam (3 runs)", "0.0", "0.2", "1.0", "0", "30",
    ] {
      XCTAssertTrue(texts.contains(expected), "no text '\(expected)' in \(texts)")
    }
    XCTAssertTrue(
      texts.contains { $0.contains("5 completed runs") }, "the subtitle counts the runs: \(texts)")

    // adam's line goes through its means, 0.3, 0.6 and 0.9, at 10, 20 and 30.
    let layout = chart.layout()
    let adam = try XCTUnwrap(chart.series.last)
    XCTAssertEqual(adam.points.map(\.x), [10, 20, 30])
    for (point, mean) in zip(adam.points, [0.3, 0.6, 0.9]) {
      XCTAssertEqual(point.y, mean, accuracy: 1e-12)
    }
    XCTAssertEqual(adam.band.map(\.low), [0.2, 0.5, 0.8])
    XCTAssertEqual(adam.band.map(\.high), [0.4, 0.7, 1.0])
    let d = try XCTUnwrap(
      strings(svg, "//*[local-name()='path'][@class='line']/@d").last)
    let numbers = d.split(whereSeparator: { " ML".contains($0) }).compactMap { Double($0) }
    XCTAssertEqual(numbers.count, 6)
    XCTAssertEqual(numbers[5], layout.y.position(0.9), accuracy: 0.01)
    XCTAssertEqual(numbers[4], layout.plot.maxX, accuracy: 0.01, "x runs 0 to the last iteration")
  }

  func testLossOnALogScale() throws {
    try fill()
    let (chart, svg) = try plot(["adam", "--metric", "loss", "--log-scale", "--no-per-seed"])
    XCTAssertEqual(chart.yScale, .logarithmic)
    XCTAssertEqual(chart.series.count, 1)
    XCTAssertEqual(chart.series[0].points.count, 30, "one point per iteration")
    // The fixture's losses are 1, and 0.3 at the last iteration.
    XCTAssertEqual(chart.series[0].points.last?.y ?? 0, 0.3, accuracy: 1e-12)
    let texts = try texts(svg)
    XCTAssertTrue(texts.contains("loss (log scale)"), "\(texts)")
    XCTAssertTrue(texts.contains("0.2") && texts.contains("1"), "1-2-5 ticks: \(texts)")
  }

  func testOneRunLikeTheNotebook() throws {
    let id = try record(optimizer: "adam", seed: 7, accuracies: [0.2, 0.6, 0.9])
    let (chart, svg) = try plot(["--run", String(id.prefix(6))])
    let texts = try texts(svg)
    for expected in ["accuracy: Adam", "training set", "test set", "iter", "accuracy", "1.0"] {
      XCTAssertTrue(texts.contains(expected), "no text '\(expected)' in \(texts)")
    }
    XCTAssertTrue(texts.contains { $0.hasPrefix("run \(id.prefix(8))") }, "\(texts)")
    XCTAssertEqual(chart.series.map { $0.points.map(\.y) }, [[0.2, 0.6, 0.9], [0.2, 0.6, 0.9]])
    XCTAssertEqual(chart.layout().y.domain, 0...1)
  }

  func testWritesSVGAndPNGFiles() throws {
    try fill()
    let svgPath = folder.appending(path: "curves.svg").path
    try command(["plot", "-o", svgPath], as: Tracker.Plot.self).run()
    let svg = try XMLDocument(contentsOf: URL(fileURLWithPath: svgPath))
    XCTAssertEqual(svg.rootElement()?.name, "svg")

    guard ChartFile.findConverter() != nil else {
      throw XCTSkip("rsvg-convert is not installed (apt-get install librsvg2-bin)")
    }
    let pngPath = folder.appending(path: "curves.png").path
    try command(["plot", "-o", pngPath, "--width", "1000"], as: Tracker.Plot.self).run()
    let png = try XCTUnwrap(FileManager.default.contents(atPath: pngPath))
    XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    // IHDR: width and height, big-endian, at bytes 16 and 20.
    func word(_ offset: Int) -> Int { png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
    XCTAssertEqual(word(16), 1000)
    XCTAssertEqual(word(20), 560)
  }

  func testMissingConverterIsAClearError() throws {
    try fill()
    let empty = folder.appending(path: "empty-bin")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let png = folder.appending(path: "x.png").path
    let result = try TrackerProcess.run(
      ["plot", "--db", path, "-o", png], environment: ["PATH": empty.path])
    XCTAssertNotEqual(result.status, 0)
    XCTAssertTrue(result.stderr.contains("rsvg-convert is not installed"), result.stderr)
    XCTAssertTrue(result.stderr.contains("librsvg2-bin"), result.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: png))
  }

  func testFewSeedsAreDrawnOneByOneWithChanceAndLearningStart() throws {
    try fill()
    let (chart, svg) = try plot(["sgd", "adam"])
    XCTAssertEqual(chart.series.filter { !$0.inLegend }.count, 5, "2 sgd and 3 adam seeds")
    XCTAssertEqual(
      try svg.nodes(forXPath: "//*[local-name()='path'][@class='seed-line']").count, 5)
    XCTAssertEqual(try svg.nodes(forXPath: "//*[local-name()='path'][@class='band']").count, 0)
    XCTAssertEqual(try svg.nodes(forXPath: "//*[local-name()='line'][@class='baseline']").count, 1)
    XCTAssertTrue(try texts(svg).contains("chance 11.35%"))
    XCTAssertEqual(chart.markers.count, 1, "adam starts learning; sgd never does")
    let (smoothed, _) = try plot(["adam", "--metric", "loss", "--smooth", "10", "--no-per-seed"])
    XCTAssertTrue(smoothed.subtitle.contains("moving average over 10 points"), smoothed.subtitle)
    // The fixture's losses are 1 but 0.3 at the last iteration: its mean over 10.
    XCTAssertEqual(smoothed.series[0].points.last?.y ?? 0, 0.93, accuracy: 1e-12)
  }

  func testFinalAccuracyChartAndOverlay() throws {
    try fill()
    let command = try command(["plot", "-o", "x.svg", "--final"], as: Tracker.Plot.self)
    let (svg, what) = try command.drawing(store())
    XCTAssertEqual(what, "final test accuracy of 2 groups")
    let document = try XMLDocument(data: Data(svg.utf8))
    XCTAssertEqual(
      try document.nodes(forXPath: "//*[local-name()='circle'][@class='seed']").count, 5)
    let ids = try store().runs(matching: RunFilter()).map(\.id)
    let (overlay, _) = try plot(["--run", String(ids[0].prefix(8)), "--run", ids[2]])
    XCTAssertEqual(overlay.series.count, 2)
    XCTAssertTrue(overlay.series[0].label.hasPrefix(String(ids[0].prefix(8)) + " sgd seed 1"))
  }

  func testBadArguments() throws {
    for (arguments, message) in [
      (["plot", "-o", "x.pdf"], ".svg or .png"),
      (["plot", "-o", "x.svg", "--log-scale"], "--log-scale is for --metric loss"),
      (["plot", "-o", "x.svg", "--run", "abc", "adam"], "--run draws the runs named"),
      (["plot", "-o", "x.svg", "--smooth", "0"], "--smooth 0"),
      (["plot", "-o", "x.svg", "--width", "300"], "--width"),
      (["plot", "-o", "x.svg", "--metric", "accuracy"], "accuracy"),
    ] {
      XCTAssertThrowsError(try Tracker.parseAsRoot(arguments), "\(arguments)") { error in
        let text = Tracker.message(for: error)
        XCTAssertTrue(text.contains(message), "\(arguments): \(text)")
      }
    }
    XCTAssertNoThrow(try Tracker.parseAsRoot(["plot", "-o", "x.svg", "--metric", "train-acc"]))
  }

  func testNothingSelectedSaysWhatIsThere() throws {
    try fill()
    XCTAssertThrowsError(try plot(["rmsprop"])) { error in
      XCTAssertTrue("\(error)".contains("present: adam (3), sgd (2)"), "\(error)")
    }
    XCTAssertThrowsError(try plot(["adma"])) { error in
      XCTAssertTrue("\(error)".hasPrefix("unknown optimizer 'adma'; did you mean 'adam'?"))
    }
  }
}
