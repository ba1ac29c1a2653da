// Bad input, tried the way users get it wrong, against the real binary: each case
// fails with a one-line error naming the problem (and the fix), a non-zero exit,
// and the database exactly as it was.
import Foundation
import TrackerEngine
import TrackerStore
import TrackerTestSupport
import XCTest

final class BadInputTests: ProcessTestCase {
  var dbURL: URL { URL(fileURLWithPath: db) }

  override func setUpWithError() throws {
    try super.setUpWithError()
    let r = try tracker(runArgs(["--opt", "adam", "--seed", "1"]))
    XCTAssertEqual(r.status, 0, r.stderr)
  }

  func runArgs(_ extra: [String], db: String? = nil, data: URL? = nil) -> [String] {
    [
      "run", "--db", db ?? self.db, "--data-dir", (data ?? dataDir).path, "--iters", "20",
      "--batch-size", "20",
    ] + extra
  }

  /// Runs `args`, expecting failure with `expected` in the first line of stderr.
  func expectFailure(
    _ args: [String], _ expected: String, file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let r = try tracker(args)
    XCTAssertNotEqual(r.status, 0, "\(args) should fail", file: file, line: line)
    let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
    XCTAssertTrue(first.hasPrefix("Error: "), "\(args): \(r.stderr)", file: file, line: line)
    XCTAssertTrue(first.contains(expected), "\(args): \(r.stderr)", file: file, line: line)
    XCTAssertEqual(r.stdout, "", "\(args)", file: file, line: line)
  }

  func testBadOptionsAndDataLeaveTheDatabaseAsItWas() throws {
    let before = try Data(contentsOf: dbURL)
    let broken = try brokenDataSets()
    let cases: [([String], String)] = [
      (["--opt", "adam", "--lern-rate", "0.1"], "Unknown option '--lern-rate'"),
      (
        ["--opt", "adamw"],
        "unknown optimizer 'adamw'; did you mean 'adam'? (sgd, momentum, adagrad, rmsprop, adam)"
      ),
      (["--opt", "adam", "--lr", "-1"], "--lr must be a positive finite number (got -1.0)"),
      (["--opt", "adam", "--lr", "nan"], "--lr must be a positive finite number (got nan)"),
      (["--opt", "adam", "--lr", "1e400"], "--lr must be a positive finite number (got inf)"),
      (["--opt", "adam", "--iters", "0"], "--iters must be a positive integer (got 0)"),
      (["--opt", "adam", "--batch-size", "0"], "--batch-size must be between 1 and"),
      (
        ["--opt", "adam", "--batch-size", "601"],
        "larger than the training set (600 images); use at most 600"
      ),
      (["--opt", "adam", "--hidden", ""], "--hidden '' is not valid; give positive layer sizes"),
      (["--opt", "adam", "--hidden", "40,,20"], "--hidden '40,,20' is not valid"),
      (["--opt", "adam", "--hidden", "0"], "--hidden '0' is not valid"),
      (
        ["--opt", "adam", "--eval-interval", "21"],
        "--eval-interval must not exceed --iters (21 > 20)"
      ),
      (["--opt", "adam", "--weight-init", "big"], "--weight-init 'big' is not valid"),
      (["--opt", "adam", "--tag", "novalue"], "--tag"),
      (["--opt", "adam", "--run-id", "ABC"], "--run-id 'ABC' is not a lower-case UUID"),
    ]
    for (args, expected) in cases { try expectFailure(runArgs(args), expected) }
    let emptyData = dir.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: emptyData, withIntermediateDirectories: true)
    let dataCases: [(URL, String)] = [
      (dir.appendingPathComponent("nowhere"), "data file not found"),
      (emptyData, "train-images-idx3-ubyte"),
      (broken["truncated"]!, "is truncated: its header promises"),
      (broken["magic"]!, "is not an IDX file of unsigned bytes (magic number 0x47415242"),
      (broken["count"]!, "holds 600 images but"),
    ]
    for (data, expected) in dataCases {
      try expectFailure(runArgs(["--opt", "adam"], data: data), expected)
      try expectFailure(
        ["sweep", "--db", db, "--data-dir", data.path, "--opt", "adam", "--seeds", "1-2"], expected)
    }
    XCTAssertEqual(try Data(contentsOf: dbURL), before)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 1)
  }

  /// Copies of the data set, each broken one way.
  func brokenDataSets() throws -> [String: URL] {
    var result: [String: URL] = [:]
    let files = try FileManager.default.contentsOfDirectory(atPath: dataDir.path)
    for name in ["truncated", "magic", "count"] {
      let copy = dir.appendingPathComponent("data-\(name)")
      try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
      for file in files {
        try FileManager.default.copyItem(
          at: dataDir.appendingPathComponent(file), to: copy.appendingPathComponent(file))
      }
      result[name] = copy
    }
    let images = "train-images-idx3-ubyte"
    let whole = try Data(contentsOf: dataDir.appendingPathComponent(images))
    try whole.prefix(1000).write(to: result["truncated"]!.appendingPathComponent(images))
    try (Data("GARB".utf8) + whole.dropFirst(4)).write(
      to: result["magic"]!.appendingPathComponent(images))
    try Data(IDX.encode(dimensions: [599], bytes: Array(repeating: 1, count: 599)))
      .write(to: result["count"]!.appendingPathComponent("train-labels-idx1-ubyte"))
    return result
  }

  func testBadDatabaseFilesAreRefusedAndLeftAlone() throws {
    let valid = try Data(contentsOf: dbURL)
    func file(_ name: String, _ contents: Data, mode: Int = 0o644) throws -> String {
      let path = dir.appendingPathComponent(name).path
      FileManager.default.createFile(atPath: path, contents: contents)
      try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
      return path
    }
    var corrupted = valid
    corrupted.replaceSubrange(100..<4000, with: Data(repeating: 0xA5, count: 3900))
    let newer = dir.appendingPathComponent("newer.sqlite").path
    try FileManager.default.copyItem(atPath: db, toPath: newer)
    try Database(path: newer).execute(
      "INSERT INTO schema_migrations VALUES ('9999_from_the_future', '2030-01-01T00:00:00.000Z')")
    let cases: [(String, String)] = [
      (dir.path, "is a directory; pass a file path such as"),
      (
        try file("notes.txt", Data("my notes\n".utf8)),
        "is not a SQLite database; pass a different --db"
      ),
      (
        try file("truncated.sqlite", valid.prefix(valid.count / 2)),
        "is damaged (database disk image is malformed); restore it from a backup or pass a different --db"
      ),
      (try file("corrupted.sqlite", corrupted), "is damaged"),
      (
        try file("readonly.sqlite", valid, mode: 0o444),
        "is read-only; make it writable or pass a different --db"
      ),
      (
        dir.appendingPathComponent("missing/t.sqlite").path,
        "does not exist; create it or pass a different --db"
      ),
      (newer, "was written by a newer tracker (schema 9999_from_the_future); upgrade tracker"),
    ]
    for (path, expected) in cases {
      let before = try? Data(contentsOf: URL(fileURLWithPath: path))
      try expectFailure(runArgs(["--opt", "adam"], db: path), expected)
      try expectFailure(
        ["sweep", "--db", path, "--data-dir", dataDir.path, "--opt", "sgd", "--seeds", "1"],
        expected)
      // A read-only file can be read (StoreSafetyTests), just not written.
      if path != dir.path && !path.contains("missing") && !path.contains("readonly") {
        try expectFailure(["list", "--db", path], expected)
        try expectFailure(["compare", "--db", path], expected)
      }
      XCTAssertEqual(try? Data(contentsOf: URL(fileURLWithPath: path)), before, path)
    }
    XCTAssertFalse(
      FileManager.default.fileExists(atPath: dir.appendingPathComponent("missing").path))
  }

  func testNamesAndTagsAreStoredAndShownExactly() throws {
    let name = "it's \"quoted\"; DROP TABLE runs; --\nsecond line, ünïcødé 日本語 🚀"
    let value = "a'b\"c;d\n\té"
    let r = try tracker(
      runArgs(["--opt", "sgd", "--seed", "2", "--name", name, "--tag", "k'; --=\(value)"]))
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(try int("SELECT count(*) FROM runs"), 2, "nothing was interpreted as SQL")
    XCTAssertEqual(try query("SELECT name FROM runs WHERE seq = 2"), [[.text(name)]])
    XCTAssertEqual(
      try query("SELECT key, value FROM run_tags WHERE run_seq = 2"),
      [[.text("k'; --"), .text(value)]])

    let json = try tracker(["list", "--db", db, "--format", "json"])
    let runs = try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
    let run = try XCTUnwrap(runs.first { $0["name"] as? String == name }, json.stdout)
    XCTAssertEqual(run["tags"] as? [String: String], ["k'; --": value])
    let table = try tracker(["list", "--db", db])
    // On the terminal, control characters (the newline, the tab) are escaped.
    XCTAssertTrue(
      table.stdout.contains(name.escapingControlCharacters)
        && table.stdout.contains("k'; --=\(value)".escapingControlCharacters), table.stdout)
    let id = try XCTUnwrap(run["short_id"] as? String)
    let show = try tracker(["show", "--db", db, id])
    XCTAssertTrue(
      show.stdout.contains(name.escapingControlCharacters)
        && show.stdout.contains(value.escapingControlCharacters), show.stdout)
  }
}
