// RunFixtures: records runs with hand-made curves through RunStore, for the
// query, comparison and summary tests.
import Foundation
import XCTest

@testable import TrackerStore

extension StoreTestCase {
  /// Records one finished run: evaluations every 10 iterations with
  /// `accuracies` as test accuracy, one loss per iteration ending in
  /// `lastLoss`, started `hour` hours after a fixed time, lasting `duration` s.
  @discardableResult
  func record(
    _ store: RunStore, optimizer: String = "adam", seed: Int64 = 1, lr: Double = 0.001,
    accuracies: [Double] = [0.1, 0.5, 0.9], lastLoss: Double = 0.3,
    status: RunStatus = .completed, tags: [(key: String, value: String)] = [], hour: Double = 0,
    duration: Double = 10, name: String? = nil, id: String = UUID().uuidString.lowercased(),
    baseline: Double? = 0.1135
  ) throws -> RunRecorder {
    var run = makeRun(id: id, tags: tags)
    run.name = name
    run.optimizer = optimizer
    run.seed = seed
    run.lr = lr
    run.iters = accuracies.count * 10
    run.beta1 = optimizer == "adam" ? 0.9 : nil
    run.beta2 = optimizer == "adam" ? 0.999 : nil
    run.momentum = optimizer == "momentum" ? 0.9 : nil
    run.baseline = baseline
    run.startedAt = Date(timeIntervalSince1970: 1_795_953_600 + hour * 3600)
    let recorder = try store.begin(run)
    for (index, accuracy) in accuracies.enumerated() {
      for iteration in index * 10 + 1...index * 10 + 10 {
        try recorder.logLoss(iteration: iteration, loss: iteration == run.iters ? lastLoss : 1)
      }
      try recorder.logEvaluation(
        iteration: index * 10 + 10, trainAccuracy: accuracy, testAccuracy: accuracy)
    }
    if status != .running {
      try recorder.finish(status: status, endedAt: run.startedAt + duration)
    } else {
      try recorder.flush()
    }
    return recorder
  }
}
