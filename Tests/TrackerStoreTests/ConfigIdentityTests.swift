// ConfigIdentityTests: runs.config_key (migration 0006) names a configuration
// canonically, changes with every setting but the seed, and compare counts one
// sample per configuration and seed; an upgraded database gets all of it.
import Foundation
import TrackerTestSupport
import XCTest

@testable import TrackerStore

final class ConfigIdentityTests: StoreTestCase {
  func key(_ store: RunStore, _ id: String) throws -> String {
    try XCTUnwrap(store.run(id: id)).configKey
  }

  // MARK: - The key

  func testNumbersAreCanonicalWhateverTheirSpelling() throws {
    let store = try RunStore.open(path: path)
    var a = RunFixture.settings(lr: 0.01)
    a.weightInit = "0.01"
    var b = RunFixture.settings(lr: Double("1e-2")!)
    b.weightInit = "0.010"
    b.seed = 9
    let first = try RunFixture.record(RunFixture.newRun(settings: a), into: store).runID
    let second = try RunFixture.record(RunFixture.newRun(settings: b), into: store).runID
    XCTAssertEqual(try key(store, first), try key(store, second))
    XCTAssertEqual(
      try key(store, first),
      "adam lr=0.01 iters=30 batch_size=100 eval_interval=10 beta1=0.9 beta2=0.999"
        + " hidden=40,20 activation=sigmoid weight_init=0.01 batchnorm=0 data=hash")
  }

  /// Every column RunSettings fills, but the seed, is part of the identity: a
  /// setting added to RunSettings but not to the key fails here. The data
  /// set's label is not: its fingerprint (dataset_hash) names the data.
  func testEverySettingButTheSeedChangesTheKey() throws {
    let store = try RunStore.open(path: path)
    let id = try RunFixture.record(into: store).runID
    let database = store.database
    let original = try key(store, id)
    for (column, value) in RunFixture.settings().columns {
      let changed: String
      switch value {
      case .real(let x): changed = String(x * 2)
      case .integer(let x): changed = String(x + 1)
      case .null: changed = "0.5"
      case .text(let x): changed = x == "0.01" ? "0.02" : "'\(x)x'"
      case .blob: continue
      }
      try database.execute("SAVEPOINT s")
      try database.execute("UPDATE runs SET \(column) = \(changed)")
      let now = try key(store, id)
      try database.execute("ROLLBACK TO s")
      try database.execute("RELEASE s")
      if column == "seed" || column == "dataset" {
        XCTAssertEqual(now, original, "\(column) is not part of the configuration")
      } else {
        XCTAssertNotEqual(now, original, "config_key ignores \(column)")
      }
    }
  }

  // MARK: - One sample per seed

  func testDuplicatesCountOnceTheEarliestRun() throws {
    let store = try RunStore.open(path: path)
    try RunFixture.record(into: store, seed: 1, accuracies: [0.5, 0.90], hour: 0)
    try RunFixture.record(into: store, seed: 2, accuracies: [0.5, 0.80], hour: 1)
    // A later run of seed 1 that (unlike a real rerun) came out differently:
    // it must not count, and must not replace the earlier one.
    try RunFixture.record(into: store, seed: 1, accuracies: [0.5, 0.10], hour: 2)
    let groups = RunComparison.groups(try store.runs(matching: RunFilter()))
    XCTAssertEqual(groups.count, 1)
    let group = groups[0]
    XCTAssertEqual([group.runs.count, group.seeds, group.duplicates], [3, 2, 1])
    XCTAssertEqual(group.finalTestAccuracies, [0.9, 0.8])
    XCTAssertEqual(group.finalTestAccuracy?.mean ?? 0, 0.85, accuracy: 1e-12)
    // The samples view picks the same runs.
    XCTAssertEqual(
      try rows(
        store.database, "SELECT seed, final_test_acc, duplicates FROM samples ORDER BY seed"),
      [[.integer(1), .real(0.9), .integer(1)], [.integer(2), .real(0.8), .integer(0)]])
    // list --duplicates finds both runs of seed 1.
    var filter = RunFilter(statuses: [.completed])
    filter.duplicatesOnly = true
    XCTAssertEqual(try store.runs(matching: filter).map(\.seed), [1, 1])
  }

  func testOtherDataIsAnotherConfiguration() throws {
    let store = try RunStore.open(path: path)
    for (seed, hash) in [(1, "aaaaaaaaaaaaaaaa"), (2, "aaaaaaaaaaaaaaaa"), (1, "bbbbbbbbbbbbbbbb")]
    {
      var settings = RunFixture.settings(seed: Int64(seed))
      settings.dataset = "custom"
      settings.datasetHash = hash
      try RunFixture.record(RunFixture.newRun(settings: settings), into: store)
    }
    let groups = RunComparison.groups(try store.runs(matching: RunFilter()))
    XCTAssertEqual(groups.map(\.seeds), [2, 1])
    XCTAssertEqual(groups.map(\.label), ["adam data=aaaaaaaa", "adam data=bbbbbbbb"])
  }

  // MARK: - Upgrading

  /// A database written by the schema before 0006, with runs as that tracker
  /// wrote them, upgraded: keys filled, labels from the fingerprint, views.
  func testUpgradeFillsTheKeyAndRelabelsTheData() throws {
    let database = try Database(path: path)
    try Migrator.migrate(
      database, migrations: Migrator.embedded.filter { $0.id < "0006" })
    for (seq, label, hash) in [
      (1, "fashion-mnist", "3b8bff70dfdc2b86"), (2, "mnist", "3b8bff70dfdc2b86"),
      (3, "mnist", "0123456789abcdef"), (4, "mnist", "b2f65d04d922e646"),
    ] {
      try database.execute(
        """
        INSERT INTO runs (seq, id, status, optimizer, seed, lr, iters, batch_size, eval_interval,
          hidden, activation, weight_init, batchnorm, dataset, dataset_hash, started_at,
          tracker_version, host, command)
        VALUES (?, ?, 'completed', 'sgd', 1, 0.01, 10, 100, 10, '40,20', 'sigmoid', '0.010', 0,
          ?, ?, '2026-11-29T12:00:00.000Z', '0.1.0', 'host', 'tracker run')
        """,
        [.integer(Int64(seq)), .text(UUID().uuidString.lowercased()), .text(label), .text(hash)])
    }
    try Migrator.migrate(database)
    XCTAssertEqual(
      try rows(database, "SELECT dataset, config_key FROM run_summaries ORDER BY seq"),
      [
        ("mnist", "3b8bff70dfdc2b86"), ("mnist", "3b8bff70dfdc2b86"),
        ("custom", "0123456789abcdef"), ("fashion-mnist", "b2f65d04d922e646"),
      ].map {
        [
          .text($0.0),
          .text(
            "sgd lr=0.01 iters=10 batch_size=100 eval_interval=10 hidden=40,20"
              + " activation=sigmoid weight_init=0.01 batchnorm=0 data=\($0.1)"),
        ]
      })
    // The first two are one sample: same configuration, same seed.
    XCTAssertEqual(try int(database, "SELECT count(*) FROM samples"), 3)
    // New runs still insert with an explicit column list.
    let store = try RunStore.open(path: path)
    try RunFixture.record(into: store)
    XCTAssertEqual(try int(database, "SELECT count(*) FROM runs WHERE config_key IS NULL"), 0)
  }
}
