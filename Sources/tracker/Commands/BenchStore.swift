// `tracker bench-store` (hidden; run it through scripts/bench-store): fills a
// fresh database with synthetic runs of the reference shape through the same
// RunStore/RunRecorder code `tracker run` uses, then times compare and list
// in-process and reports the database size per run. A benchmark, not a test.
import ArgumentParser
import Foundation
import TrackerStore

extension Tracker {
  struct BenchStore: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "bench-store",
      abstract: "Benchmark the store with synthetic runs (see scripts/bench-store).",
      shouldDisplay: false)

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

      let compare = try Tracker.parseAsRoot(["compare", "--db", db]) as! Compare
      let list = try Tracker.parseAsRoot(["list", "--db", db, "--limit", "20"]) as! List
      let compareTimes = try time { _ = try compare.report(RunStore.openExisting(path: db)) }
      let listTimes = try time { _ = try list.report(RunStore.openExisting(path: db)) }

      let store = try RunStore.openExisting(path: db)
      let groups = RunComparison.groups(
        try store.runs(matching: RunFilter(statuses: [.completed]))
      ).count
      print(
        "compare (all optimizers, \(groups) groups): \(summary(compareTimes))  [target < 200 ms]")
      print("list --limit 20: \(summary(listTimes))  [target < 50 ms]")
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
      var random = Generator(state: 42)
      let epoch = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
      let start = ContinuousClock.now
      for index in 0..<runs {
        let group = groups[index % groups.count]
        let startedAt = epoch + Double(index) * 3600
        let recorder = try store.begin(
          NewRun(
            id: UUID().uuidString.lowercased(), optimizer: group.optimizer,
            seed: Int64(index / groups.count), lr: group.lr, iters: 1000, batchSize: 100,
            evalInterval: 10, momentum: group.optimizer == "momentum" ? 0.9 : nil,
            adagradTheta: group.optimizer == "adagrad" ? 1e-4 : nil,
            decayRate: group.optimizer == "rmsprop" ? 0.99 : nil,
            beta1: group.optimizer == "adam" ? 0.9 : nil,
            beta2: group.optimizer == "adam" ? 0.999 : nil, hidden: "40,20",
            activation: "sigmoid", weightInit: "0.01", batchnorm: false, dataset: "mnist",
            datasetHash: "bench", baseline: 0.1135, startedAt: startedAt,
            trackerVersion: Tracker.version, host: "bench", pid: 1,
            command: "tracker bench-store", tags: [("sweep", "bench")]))
        let plateau = Double(group.plateau) * (0.8 + 0.4 * random.unit())
        let diverges = index % 100 == 99
        for iteration in 1...1000 {
          let t = Double(iteration)
          let progress = t < plateau ? 0 : 1 - exp(-(t - plateau) / 120)
          let loss = diverges && iteration > 900 ? Double.nan : 2.3 - 2.0 * progress
          try recorder.logLoss(iteration: iteration, loss: loss + 0.05 * random.unit())
          if iteration % 10 == 0 {
            let accuracy =
              0.1135 + (group.accuracy - 0.1135) * progress + 0.01 * (random.unit() - 0.5)
            try recorder.logEvaluation(
              iteration: iteration, trainAccuracy: accuracy + 0.01, testAccuracy: accuracy)
          }
        }
        try recorder.finish(
          status: diverges ? .diverged : .completed, endedAt: startedAt + 10 + 4 * random.unit(),
          divergedAt: diverges ? 901 : nil)
      }
      let elapsed = ContinuousClock.now - start
      return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// SplitMix64, for synthetic noise that is the same on every run.
    private struct Generator {
      var state: UInt64
      mutating func unit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
      }
    }
  }
}
