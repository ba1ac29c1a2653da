// The base of the tests that run the real binary (run, sweep, concurrency, crash,
// bad input): a temporary folder with a small synthetic data set, and reads of
// the database.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

class ProcessTestCase: TemporaryFolderTestCase {
  var dir: URL { folder }
  var dataDir: URL!
  var db: String { dir.appendingPathComponent("t.sqlite").path }

  override func setUpWithError() throws {
    try super.setUpWithError()
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
    try Database(path: path ?? db).rows(sql)
  }

  func int(_ sql: String, path: String? = nil) throws -> Int64 {
    try Database(path: path ?? db).integer(sql)
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
