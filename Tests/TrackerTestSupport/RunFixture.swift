// RunFixture: runs with hand-made curves, recorded through RunStore the way
// `tracker run` records them, for the store tests and the CLI's query tests.
// Settings go through `RunSettings` like every other run, so fixtures and the
// real runs agree on what is stored.
import Foundation
import TrackerStore

public enum RunFixture {
  /// The fixed time runs start at (2026-11-29 12:00 UTC), plus `hour` hours.
  public static func startTime(hour: Double = 0) -> Date {
    Date(timeIntervalSince1970: 1_795_953_600 + hour * 3600)
  }

  /// The reference experiment's settings (`tracker run`'s defaults) for
  /// `optimizer`, with its own hyperparameters at their defaults.
  public static func settings(
    optimizer: String = "adam", seed: Int64 = 1, lr: Double = 0.001, iters: Int = 30
  ) -> RunSettings {
    RunSettings(
      optimizer: optimizer, seed: seed, lr: lr, iters: iters, batchSize: 100, evalInterval: 10,
      momentum: 0.9, adagradTheta: 1e-4, decayRate: 0.99, beta1: 0.9, beta2: 0.999,
      hidden: "40,20", activation: "sigmoid", weightInit: "0.01", batchnorm: false,
      dataset: "mnist", datasetHash: "hash")
  }

  /// A complete NewRun with `settings`, started `hour` hours after `startTime`.
  public static func newRun(
    id: String = UUID().uuidString.lowercased(), name: String? = nil,
    settings: RunSettings = settings(), baseline: Double? = 0.1135, hour: Double = 0,
    tags: [(key: String, value: String)] = []
  ) -> NewRun {
    NewRun(
      id: id, name: name, settings: settings, baseline: baseline,
      startedAt: startTime(hour: hour), trackerVersion: "0.1.0", host: "testhost", pid: 42,
      command: "tracker run --opt \(settings.optimizer)", tags: tags)
  }

  /// Records a finished `optimizer` run (the reference settings otherwise) with
  /// `accuracies` every 10 iterations; see `record(_:into:...)`.
  @discardableResult
  public static func record(
    into store: RunStore, optimizer: String = "adam", seed: Int64 = 1, lr: Double = 0.001,
    accuracies: [Double] = [0.1, 0.5, 0.9], lastLoss: Double = 0.3,
    status: RunStatus = .completed, tags: [(key: String, value: String)] = [], hour: Double = 0,
    duration: Double = 10, name: String? = nil, id: String = UUID().uuidString.lowercased(),
    baseline: Double? = 0.1135
  ) throws -> RunRecorder {
    let run = newRun(
      id: id, name: name,
      settings: settings(optimizer: optimizer, seed: seed, lr: lr, iters: accuracies.count * 10),
      baseline: baseline, hour: hour, tags: tags)
    return try record(
      run, into: store, accuracies: accuracies, lastLoss: lastLoss, status: status,
      duration: duration)
  }

  /// Records `run` into `store`: one loss per iteration (1, then `lastLoss` at
  /// the last), and an evaluation every 10 iterations with `accuracies` as
  /// train and test accuracy; then finishes it with `status` after `duration`
  /// seconds, or leaves it running (flushed).
  @discardableResult
  public static func record(
    _ run: NewRun, into store: RunStore, accuracies: [Double] = [0.1, 0.5, 0.9],
    lastLoss: Double = 0.3, status: RunStatus = .completed, duration: Double = 10
  ) throws -> RunRecorder {
    precondition(run.settings.iters == accuracies.count * 10, "one evaluation per 10 iterations")
    let recorder = try store.begin(run)
    for (index, accuracy) in accuracies.enumerated() {
      for iteration in index * 10 + 1...index * 10 + 10 {
        try recorder.logLoss(
          iteration: iteration, loss: iteration == run.settings.iters ? lastLoss : 1)
      }
      try recorder.logEvaluation(
        iteration: index * 10 + 10, trainAccuracy: accuracy, testAccuracy: accuracy)
    }
    if status == .running {
      try recorder.flush()
    } else {
      try recorder.finish(status: status, endedAt: run.startedAt + duration)
    }
    return recorder
  }
}
