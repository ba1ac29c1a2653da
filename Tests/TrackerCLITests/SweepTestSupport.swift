// Test support for the sweep, concurrency, crash and bad-input tests: a temporary
// folder with a small synthetic data set, `tracker` processes started in the
// background (to signal or run side by side), and reads of the database.
import Foundation
import TrackerStore
import XCTest

class ProcessTestCase: XCTestCase {
  var dir: URL!
  var dataDir: URL!
  var db: String { dir.appendingPathComponent("t.sqlite").path }

  override func setUpWithError() throws {
    dir = try makeTemporaryDirectory(self)
    dataDir = dir.appendingPathComponent("data")
    try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true)
    try SyntheticData.write(to: dataDir)
  }

  /// `tracker args...`, waited for.
  func tracker(_ args: [String]) throws -> ProcessResult {
    try TrackerProcess.run(args)
  }

  /// Rows of `sql` on `path` (default: the test's database).
  func query(_ sql: String, path: String? = nil) throws -> [[SQLValue]] {
    let database = try Database(path: path ?? db)
    var rows: [[SQLValue]] = []
    try database.prepare(sql).forEachRow { s in
      rows.append((0..<s.columnCount).map { s.value($0) })
    }
    return rows
  }

  func int(_ sql: String, path: String? = nil) throws -> Int64 {
    guard case .integer(let value) = try query(sql, path: path).first?.first else {
      XCTFail("no integer from \(sql)")
      return -1
    }
    return value
  }

  /// Polls `condition` every 50 ms for up to `seconds`; true once it held.
  func wait(seconds: Double = 20, until condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if try condition() { return true }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return false
  }

  /// How many runs have losses on disk (have begun and flushed); 0 before the
  /// database exists (which this does not create).
  func flushedRuns() -> Int {
    guard FileManager.default.fileExists(atPath: db),
      case .integer(let n) = (try? query("SELECT count(DISTINCT run_seq) FROM losses"))?.first?
        .first
    else { return 0 }
    return Int(n)
  }
}

/// A `tracker` process running in the background, its output going to files.
final class BackgroundTracker {
  let process = Process()
  private let folder: URL

  init(_ args: [String]) throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-bg-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for name in ["out", "err"] {
      FileManager.default.createFile(
        atPath: folder.appendingPathComponent(name).path, contents: nil)
    }
    process.executableURL = TrackerProcess.executable
    process.arguments = args
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "TRACKER_DB")
    process.environment = env
    process.standardOutput = try FileHandle(forWritingTo: folder.appendingPathComponent("out"))
    process.standardError = try FileHandle(forWritingTo: folder.appendingPathComponent("err"))
    try process.run()
  }

  deinit {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    try? FileManager.default.removeItem(at: folder)
  }

  var pid: Int32 { process.processIdentifier }

  func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

  /// Waits for the process and returns what it printed.
  func finish() throws -> ProcessResult {
    process.waitUntilExit()
    return ProcessResult(
      status: process.terminationStatus,
      stdout: try String(contentsOf: folder.appendingPathComponent("out"), encoding: .utf8),
      stderr: try String(contentsOf: folder.appendingPathComponent("err"), encoding: .utf8))
  }
}
