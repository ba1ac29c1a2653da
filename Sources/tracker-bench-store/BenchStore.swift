// tracker-bench-store (run it through scripts/bench-store): fills a fresh
// database with synthetic runs of the reference shape through the same
// RunStore/RunRecorder code `tracker run` uses, then times the store reads of
// compare and list in-process and reports the database size per run. A
// benchmark, not a test, so it is its own executable rather than a hidden
// command of the shipped `tracker`.
import ArgumentParser
import Foundation
import TrackerEngine  // SplitMix64
import TrackerStore

@main
struct BenchStore: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tracker-bench-store",
    abstract: "Benchmark the store with synthetic runs (see scripts/bench-store).")

  @Option(help: "Synthetic runs to record.")
  var runs: Int = 10_000

  @Option(help: "The database to create; must not exist yet.")
  var db: String

  @Option(help: "Time compare and list this many times each.")
  var `repeat`: Int = 5

  func validate() throws {
    if runs < 1 { throw ValidationError("--runs must be at least 1") }
    if `repeat` < 1 { throw ValidationError("--repeat must be at least 1") }
    if FileManager.default.fileExists(atPath: db) {
      throw ValidationError("'\(db)' exists; bench-store fills a fresh database, remove it first")
    }
  }

  func run() throws {
    print("bench-store: \(runs) runs x (1000 losses + 100 evaluations) into \(db)")
    let insertSeconds = try fill()
    let rows = runs * 1100
    print(
      "insert: \(rows) metric rows in \(String(format: "%.1f", insertSeconds)) s:"
        + " \(Int(Double(rows) / insertSeconds)) rows/s, \(Int(Double(runs) / insertSeconds)) runs/s"
    )

    let compareTimes = try time { try Self.compareReads(RunStore.openExisting(path: db)) }
    let listTimes = try time { try Self.listReads(RunStore.openExisting(path: db)) }

    let store = try RunStore.openExisting(path: db)
    let groups = RunComparison.groups(
      try store.runs(matching: RunFilter(statuses: [.completed]))
    ).count
    print(
      "compare reads (all optimizers, \(groups) groups): \(summary(compareTimes))"
        + "  [target < 200 ms]")
    print("list --limit 20 reads: \(summary(listTimes))  [target < 50 ms]")
    try store.checkpoint()
    let bytes = try store.databaseBytes()
    let fileBytes = (try FileManager.default.attributesOfItem(atPath: db)[.size] as? Int) ?? 0
    print(
      "size: \(bytes) bytes (file \(fileBytes)), \(bytes / runs) bytes per run,"
        + " \(String(format: "%.1f", Double(bytes) / Double(rows))) bytes per metric point"
        + "  [target <= 40960 per run]")
    if let tables = try store.bytesPerTable() {
      print(
        "by table: "
          + tables.prefix(6).map { "\($0.name) \($0.bytes / runs)" }.joined(separator: ", ")
          + " (bytes per run)")
    }
  }

  /// What `tracker compare` reads, without rendering it (the script times the
  /// real command): the completed runs with their summaries, the diverged runs
  /// counted beside them, the learning starts, the groups, and each group's
  /// mean test-accuracy curve from at most 50 of its runs (its sparkline).
  static func compareReads(_ store: RunStore) throws {
    var runs = try store.runs(matching: RunFilter(statuses: [.completed]))
    _ = try store.runs(matching: RunFilter(statuses: [.diverged]))
    try store.recomputeLearningStart(&runs, margin: LearningStart.defaultMargin)
    for group in RunComparison.groups(runs) {
      let sample = (0..<min(50, group.runs.count)).map {
        group.runs[$0 * group.runs.count / min(50, group.runs.count)]
      }
      _ = try store.band(.testAccuracy, over: sample)
    }
  }

  /// What `tracker list` reads: the newest 20 runs with their tags, and the count.
  static func listReads(_ store: RunStore) throws {
    _ = try store.runs(matching: RunFilter(), newestFirst: true, limit: 20, includeTags: true)
    _ = try store.count(matching: RunFilter())
  }

  /// Times `body` `repeat` times; each call opens its own store, as a
  /// command does.
  private func time(_ body: () throws -> Void) throws -> [Double] {
    try (0..<`repeat`).map { _ in
      let start = ContinuousClock.now
      try body()
      let elapsed = ContinuousClock.now - start
      return Double(elapsed.components.seconds) * 1000
        + Double(elapsed.components.attoseconds) / 1e15
    }
  }

  private func summary(_ milliseconds: [Double]) -> String {
    let sorted = milliseconds.sorted()
    return String(
      format: "min %.1f ms, median %.1f ms over %d runs", sorted[0], sorted[sorted.count / 2],
      sorted.count)
  }

  // MARK: - Synthetic runs

  /// A uniform double in [0, 1), for synthetic noise that is the same on every run.
  private func unit(_ random: inout SplitMix64) -> Double {
    Double(random.next() >> 11) / Double(1 << 53)
  }

  /// Records `runs` runs in six groups (sgd at two learning rates, then the
  /// other optimizers), one seed per round, started an hour apart, each with
  /// a plateau at the baseline and then a rise to its group's accuracy. One
  /// run in a hundred diverges. Returns the seconds taken.
  private func fill() throws -> Double {
    let store = try RunStore.open(path: db)
    let groups: [(optimizer: String, lr: Double, plateau: Int, accuracy: Double)] = [
      ("sgd", 0.01, 2000, 0.1135), ("sgd", 0.1, 300, 0.88), ("momentum", 0.01, 150, 0.93),
      ("adagrad", 0.01, 80, 0.92), ("rmsprop", 0.001, 60, 0.94), ("adam", 0.001, 50, 0.95),
    ]
    var random = SplitMix64(seed: 42)
    let epoch = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
    let start = ContinuousClock.now
    for index in 0..<runs {
      let group = groups[index % groups.count]
      let startedAt = epoch + Double(index) * 3600
      let settings = RunSettings(
        optimizer: group.optimizer, seed: Int64(index / groups.count), lr: group.lr,
        iters: 1000, batchSize: 100, evalInterval: 10, momentum: 0.9, adagradTheta: 1e-4,
        decayRate: 0.99, beta1: 0.9, beta2: 0.999, hidden: "40,20", activation: "sigmoid",
        weightInit: "0.01", batchnorm: false, dataset: "mnist", datasetHash: "bench")
      let recorder = try store.begin(
        NewRun(
          id: UUID().uuidString.lowercased(), settings: settings, baseline: 0.1135,
          startedAt: startedAt, trackerVersion: "bench", host: "bench", pid: 1,
          command: "tracker-bench-store", tags: [("sweep", "bench")]))
      let plateau = Double(group.plateau) * (0.8 + 0.4 * unit(&random))
      let diverges = index % 100 == 99
      for iteration in 1...1000 {
        let t = Double(iteration)
        let progress = t < plateau ? 0 : 1 - exp(-(t - plateau) / 120)
        let loss = diverges && iteration > 900 ? Double.nan : 2.3 - 2.0 * progress
        try recorder.logLoss(iteration: iteration, loss: loss + 0.05 * unit(&random))
        if iteration % 10 == 0 {
          let accuracy =
            0.1135 + (group.accuracy - 0.1135) * progress + 0.01 * (unit(&random) - 0.5)
          try recorder.logEvaluation(
            iteration: iteration, trainAccuracy: accuracy + 0.01, testAccuracy: accuracy)
        }
      }
      try recorder.finish(
        status: diverges ? .diverged : .completed, endedAt: startedAt + 10 + 4 * unit(&random),
        divergedAt: diverges ? 901 : nil)
    }
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
  }
}
