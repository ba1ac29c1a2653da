// `--dataset fashion-mnist` on the gzipped IDX files of Debian's dataset-fashion-mnist
// (installed by scripts/setup). Skipped when absent, except under CI.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

final class FashionMNISTTests: XCTestCase {
  func testFashionMNISTFromDebianPackage() throws {
    let folder = "/usr/share/datasets/fashion-mnist"
    if !FileManager.default.fileExists(atPath: folder + "/t10k-labels-idx1-ubyte.gz") {
      if ProcessInfo.processInfo.environment["CI"] != nil {
        XCTFail("\(folder) is missing; run scripts/setup (apt-get install dataset-fashion-mnist)")
      }
      throw XCTSkip("dataset-fashion-mnist is not installed")
    }
    let dir = try makeTemporaryFolder(self)
    let db = dir.appendingPathComponent("f.sqlite").path
    // An empty TRACKER_DATA_DIR root makes tracker fall back to the Debian folder.
    let r = try TrackerProcess.run(
      [
        "run", "--opt", "adam", "--seed", "2", "--iters", "200", "--db", db, "--quiet",
        "--dataset", "fashion-mnist",
      ],
      environment: ["TRACKER_DATA_DIR": dir.path])
    XCTAssertEqual(r.status, 0, r.stderr)
    let database = try Database(path: db)
    let s = try database.prepare(
      "SELECT dataset, status, final_test_acc, length(dataset_hash) FROM runs")
    XCTAssertTrue(try s.step())
    XCTAssertEqual(s.text(0), "fashion-mnist")
    XCTAssertEqual(s.text(1), "completed")
    XCTAssertGreaterThan(
      s.double(2), 0.5, "adam learns Fashion-MNIST well above chance in 200 iterations")
    XCTAssertEqual(s.int64(3), 16)
  }
}
