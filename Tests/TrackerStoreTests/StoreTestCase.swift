// StoreTestCase: base class giving each test a fresh temporary folder and
// database path, plus small query helpers for reading rows back.
import Foundation
import XCTest

@testable import TrackerStore

class StoreTestCase: XCTestCase {
  /// A new empty folder per test, removed afterwards.
  var folder: URL!
  /// `<folder>/test.db`; not created until a test opens it.
  var path: String { folder.appending(path: "test.db").path }

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory.appending(
      path: "tracker-store-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
  }

  override func tearDownWithError() throws {
    try FileManager.default.removeItem(at: folder)
  }

  /// The first column of the first row of `sql`, as an integer.
  func int(_ database: Database, _ sql: String, _ values: [SQLValue] = []) throws -> Int64 {
    var result: Int64?
    try database.prepare(sql).forEachRow(values) { if result == nil { result = $0.int64(0) } }
    return try XCTUnwrap(result, "no row for \(sql)")
  }

  /// Every row of `sql`, each as its column values.
  func rows(_ database: Database, _ sql: String, _ values: [SQLValue] = []) throws -> [[SQLValue]] {
    var rows: [[SQLValue]] = []
    try database.prepare(sql).forEachRow(values) { row in
      rows.append((0..<row.columnCount).map { row.value($0) })
    }
    return rows
  }

  /// A complete NewRun for an Adam run; tests override what they check.
  func makeRun(
    id: String = UUID().uuidString.lowercased(), tags: [(key: String, value: String)] = []
  ) -> NewRun {
    NewRun(
      id: id, name: "adam-1", optimizer: "adam", seed: 42, lr: 0.001, iters: 1000, batchSize: 64,
      evalInterval: 10, beta1: 0.9, beta2: 0.999, hidden: "40,20", activation: "relu",
      weightInit: "he",
      batchnorm: true, dataset: "mnist", datasetHash: "abc123",
      startedAt: Date(timeIntervalSince1970: 1_795_953_600.25), trackerVersion: "0.1.0",
      host: "testhost",
      pid: 1234, command: "tracker run --optimizer adam", tags: tags)
  }
}
