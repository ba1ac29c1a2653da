// EverydayCommandsTests: tag, rename, show A B, --where/--sort/--group-by and
// the messages every command shares (a mistyped optimizer or subcommand, a
// negative margin, a wrong extension), through the real binary where the
// exit status and stderr matter.
import Foundation
import TrackerReports
import TrackerStore
import TrackerTestSupport
import XCTest

@testable import tracker

final class EverydayCommandsTests: RunsFixtureTestCase {
  /// `tracker args... --db <path>`, waited for.
  func tracker(_ args: [String]) throws -> ProcessResult {
    try TrackerProcess.run(args + ["--db", path])
  }

  /// Fails unless `result` failed with one line on stderr that contains `expected`.
  func assertOneLineError(
    _ result: ProcessResult, _ expected: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertNotEqual(result.status, 0, file: file, line: line)
    XCTAssertEqual(result.stdout, "", file: file, line: line)
    let lines = result.stderr.split(separator: "\n")
    XCTAssertEqual(lines.count, 1, result.stderr, file: file, line: line)
    XCTAssertTrue(result.stderr.contains(expected), result.stderr, file: file, line: line)
  }

  /// Every tag of every run, and every name: what an error must leave as it was.
  func snapshot() throws -> [[SQLValue]] {
    let database = try Database(path: path)
    return try database.rows("SELECT run_seq, key, value FROM run_tags ORDER BY 1, 2")
      + database.rows("SELECT seq, name FROM runs ORDER BY seq")
  }

  // MARK: - tag and rename

  func testTagSetsReplacesAndRemovesAtOnce() throws {
    let id = try record(seed: 1, tags: [("note", "old")])
    try record(seed: 2)
    let set = try tracker(["tag", String(id.prefix(6)), "sweep=lr", "note=new"])
    XCTAssertEqual(set.status, 0, set.stderr)
    XCTAssertEqual(set.stdout, "run \(id.prefix(8)): tags note=new sweep=lr\n")
    let removed = try tracker(["tag", id, "--remove", "note"])
    XCTAssertEqual(removed.stdout, "run \(id.prefix(8)): tags sweep=lr\n", removed.stderr)
    XCTAssertEqual(try store().resolve(id).tags.map(\.key), ["sweep"])

    // Errors: one line, and nothing changed (the tag set with them included).
    let before = try snapshot()
    assertOneLineError(
      try tracker(["tag", id, "extra=1", "--remove", "missing"]),
      "run \(id.prefix(8)) has no tag 'missing'")
    assertOneLineError(try tracker(["tag", "zz", "k=v"]), "no run matches 'zz'")
    let nothing = try tracker(["tag", id])
    XCTAssertEqual(nothing.status, 64)
    XCTAssertTrue(nothing.stderr.hasPrefix("Error: give a tag to set"), nothing.stderr)
    let twice = try tracker(["tag", id, "k=1", "k=2"])
    XCTAssertTrue(twice.stderr.hasPrefix("Error: tag 'k' is given twice"), twice.stderr)
    XCTAssertEqual(try snapshot(), before)
  }

  func testRenameRefusesANameInUseAndNamesAddressRuns() throws {
    let first = try record(seed: 1, name: "adam-1")
    let second = try record(seed: 2)
    let renamed = try tracker(["rename", String(second.prefix(8)), "adam-fast"])
    XCTAssertEqual(renamed.status, 0, renamed.stderr)
    XCTAssertEqual(renamed.stdout, "run \(second.prefix(8)): no name -> 'adam-fast'\n")
    let shown = try tracker(["show", "adam-fast", "--format", "json"])
    XCTAssertEqual((try parseJSON(shown.stdout) as? [String: Any])?["id"] as? String, second)

    let before = try snapshot()
    assertOneLineError(
      try tracker(["rename", "adam-fast", "adam-1"]),
      "run \(first.prefix(8)) is already named 'adam-1'; choose another name")
    let empty = try tracker(["rename", "adam-1", " "])
    XCTAssertEqual(empty.status, 64)
    XCTAssertTrue(empty.stderr.hasPrefix("Error: the name is empty"), empty.stderr)
    XCTAssertEqual(try snapshot(), before)

    let cleared = try tracker(["rename", "adam-1", "--clear"])
    XCTAssertEqual(cleared.stdout, "run \(first.prefix(8)): 'adam-1' -> no name\n", cleared.stderr)
    XCTAssertNil(try store().resolve(first).name)
  }

  // MARK: - show A B

  func testShowTwoRunsSideBySide() throws {
    let a = try record(seed: 1, lr: 0.001, accuracies: [0.1, 0.9], name: "slow")
    let b = try record(seed: 1, lr: 0.1, accuracies: [0.1, 0.5])
    let result = try tracker(["show", "slow", String(b.prefix(8))])
    XCTAssertEqual(result.status, 0, result.stderr)
    let lines = result.stdout.split(separator: "\n").map {
      $0.split(separator: " ").joined(separator: " ")
    }
    XCTAssertEqual(lines[0], "\(a.prefix(8)) \(b.prefix(8))")
    XCTAssertTrue(lines.contains("lr 0.001 0.1"), result.stdout)
    XCTAssertTrue(lines.contains("final test acc % 90.00 50.00"), result.stdout)
    XCTAssertFalse(lines.contains { $0.hasPrefix("seed ") }, "the same seed is not a difference")
    XCTAssertTrue(lines.contains { $0.hasPrefix("both: optimizer=adam seed=1 iters=20") })

    let json = try XCTUnwrap(
      parseJSON(try tracker(["show", a, b, "--format", "json"]).stdout) as? [String: Any])
    XCTAssertEqual(json["differing"] as? [String], ["lr"])
    XCTAssertEqual(
      (json["runs"] as? [[String: Any]])?.map { $0["final_test_acc"] as? Double }, [0.9, 0.5])

    let three = try tracker(["show", a, b, a])
    XCTAssertEqual(three.status, 64)
    XCTAssertTrue(three.stderr.hasPrefix("Error: give one run to show, or two"), three.stderr)
  }

  // MARK: - where, sort, group-by

  func testWhereSortAndGroupByThroughTheBinary() throws {
    try record(seed: 1, lr: 0.001, accuracies: [0.1, 0.9])
    try record(seed: 2, lr: 0.001, accuracies: [0.1, 0.8])
    try record(seed: 1, lr: 0.1, accuracies: [0.1, 0.5])
    try record(optimizer: "sgd", seed: 1, lr: 0.1, accuracies: [0.1, 0.2])
    let listed = try tracker([
      "list", "--where", "final_test_acc>=0.5", "--where", "optimizer in (adam,sgd)", "--sort",
      "final_test_acc", "--format", "csv",
    ])
    XCTAssertEqual(listed.status, 0, listed.stderr)
    XCTAssertEqual(parseCSV(listed.stdout).dropFirst().map { $0[5] }, ["0.5", "0.8", "0.9"])

    let grouped = try tracker(["compare", "--group-by", "optimizer", "--sort", "acc:desc"])
    XCTAssertEqual(grouped.status, 0, grouped.stderr)
    let text = grouped.stdout.replacingOccurrences(of: "\n", with: " ")
    XCTAssertTrue(text.contains("runs differing in lr are pooled"), grouped.stdout)
    let rows = grouped.stdout.split(separator: "\n").filter {
      $0.hasPrefix("adam ") || $0.hasPrefix("sgd ")
    }
    XCTAssertEqual(rows.prefix(2).map { $0.split(separator: " ")[0] }, ["adam", "sgd"])
    XCTAssertEqual(rows.first?.split(separator: " ")[1], "3", "three adam runs pooled")

    let json = try tracker(["compare", "--group-by", "lr", "--format", "json"])
    XCTAssertEqual(
      (try parseJSON(json.stdout) as? [[String: Any]])?.map { $0["label"] as? String },
      ["lr=0.001", "lr=0.1"])
    XCTAssertTrue(json.stderr.contains("runs differing in optimizer"), json.stderr)

    assertOneLineError(
      try tracker(["compare", "--group-by", "optimzer"]), "did you mean 'optimizer'?")
    assertOneLineError(try tracker(["list", "--where", "lr~1"]), "expected an operator after 'lr'")
    assertOneLineError(try tracker(["compare", "--sort", "acc:up"]), "'up' is not a direction")
  }

  /// Runs with long settings on an 80-column terminal: each run shows only
  /// where it departs from what most runs have, so the lines fit and differ.
  func testNarrowListKeepsRunsApart() throws {
    let store = try store()
    for index in 0..<4 {
      var settings = RunFixture.settings(seed: 1, lr: index == 1 ? 0.1 : 0.01)
      if index == 2 { settings.batchSize = 50 }
      if index == 3 { settings.hidden = "100" }
      try RunFixture.record(RunFixture.newRun(settings: settings, hour: Double(index)), into: store)
    }
    let runs = try store.runs(matching: RunFilter(), newestFirst: true)
    let output = ListReport(runs: runs, width: 80).render(.table)
    let lines = output.split(separator: "\n").map(String.init)
    for line in lines { XCTAssertLessThanOrEqual(line.count, 80, line) }
    XCTAssertEqual(
      lines.suffix(2).joined(separator: " "),
      "settings not shown are as most runs have them: lr=0.01 batch_size=100 hidden=40,20")
    let rows = lines.dropFirst(2).dropLast(2)
    XCTAssertEqual(
      Set(rows.map { $0.split(separator: " ").dropFirst(7).joined() }).count, 4, output)
    XCTAssertTrue(rows.contains { $0.contains("hidden=100") }, output)
    XCTAssertTrue(rows.contains { $0.contains("lr=0.1") }, output)
    XCTAssertFalse(output.contains("…"), output)
  }

  // MARK: - One message for one mistake

  func testMistypedOptimizerReadsTheSameEverywhere() throws {
    try record(seed: 1)
    let message =
      "Error: unknown optimizer 'adma'; did you mean 'adam'? (sgd, momentum, adagrad, rmsprop, adam)"
    let out = folder.appending(path: "out").path
    for args in [
      ["list", "adma"], ["compare", "adam", "adma"], ["plot", "adma", "-o", out + ".svg"],
      ["report", "adma", "-o", out + ".html"], ["run", "--opt", "adma"],
      ["sweep", "--opt", "sgd,adma", "--seeds", "1"], ["list", "--where", "optimizer=adma"],
    ] {
      let result = try tracker(args)
      XCTAssertNotEqual(result.status, 0, "\(args)")
      let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
      XCTAssertTrue(first.hasSuffix(message.dropFirst("Error: ".count)), "\(args): \(first)")
    }
    let far = try tracker(["compare", "lion"])
    XCTAssertEqual(
      far.stderr,
      "Error: unknown optimizer 'lion'; choose one of (sgd, momentum, adagrad, rmsprop, adam)\n")
  }

  func testMistypedSubcommandIsNamed() throws {
    let result = try TrackerProcess.run(["runn", "--opt", "adam"])
    XCTAssertEqual(result.status, 64)
    XCTAssertTrue(
      result.stderr.hasPrefix("Error: unknown command 'runn'; did you mean 'run'? commands: run,"),
      result.stderr)
    XCTAssertEqual(result.stderr.split(separator: "\n").count, 1)
    let help = try TrackerProcess.run(["help", "list"])
    XCTAssertEqual(help.status, 0, help.stderr)
  }

  func testNegativeMarginAndWrongExtensions() throws {
    try record(seed: 1)
    let margin = try tracker(["compare", "--margin", "-1"])
    XCTAssertEqual(margin.status, 64)
    XCTAssertTrue(margin.stderr.hasPrefix("Error: --margin -1.0 is not valid"), margin.stderr)
    for name in [".svg", "chart.svg.txt", "chart.svgz"] {
      let result = try tracker(["plot", "-o", folder.appending(path: name).path])
      XCTAssertTrue(result.stderr.contains("give a file name ending in .svg or .png"), name)
    }
    for name in ["report.htm", ".html", "report.html.bak"] {
      let result = try tracker(["report", "-o", folder.appending(path: name).path])
      XCTAssertTrue(result.stderr.contains("give a file name ending in .html"), name)
    }
    let upper = try tracker(["plot", "-o", folder.appending(path: "chart.SVG").path])
    XCTAssertEqual(upper.status, 0, upper.stderr)
  }
}
