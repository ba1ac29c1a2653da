// StoreTestCase: base class giving each test a fresh temporary folder and
// database path, plus small query helpers for reading rows back.
import Foundation
import TrackerTestSupport
import XCTest

@testable import TrackerStore

class StoreTestCase: TemporaryFolderTestCase {
  /// `<folder>/test.db`; not created until a test opens it.
  var path: String { folder.appending(path: "test.db").path }

  /// The first column of the first row of `sql`, as an integer.
  func int(_ database: Database, _ sql: String, _ values: [SQLValue] = []) throws -> Int64 {
    try database.integer(sql, values)
  }

  /// Every row of `sql`, each as its column values.
  func rows(_ database: Database, _ sql: String, _ values: [SQLValue] = []) throws -> [[SQLValue]] {
    try database.rows(sql, values)
  }

  /// A complete NewRun for an Adam run, unlike the reference one in every
  /// setting a run can vary, so that each column's value is telling; tests
  /// override what they check.
  func makeRun(
    id: String = UUID().uuidString.lowercased(), tags: [(key: String, value: String)] = []
  ) -> NewRun {
    var settings = RunFixture.settings(optimizer: "adam", seed: 42, lr: 0.001, iters: 1000)
    settings.batchSize = 64
    settings.activation = "relu"
    settings.weightInit = "he"
    settings.batchnorm = true
    settings.datasetHash = "abc123"
    var run = RunFixture.newRun(
      id: id, name: "adam-1", settings: settings, baseline: nil, tags: tags)
    run.startedAt = Date(timeIntervalSince1970: 1_795_953_600.25)
    run.pid = 1234
    run.command = "tracker run --optimizer adam"
    return run
  }
}
