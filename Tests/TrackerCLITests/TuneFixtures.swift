// Hand-made tunes for the tune tests: a stored definition and runs recorded as
// `tracker run` would record the tune's search and confirm runs, with chosen
// validation and test accuracies.
import Foundation
import TrackerStore
import TrackerTestSupport

extension ProcessTestCase {
  /// Stores tune `name` (sgd and adam at lr 0.01, 0.1, 1; search seeds 1-2;
  /// confirm seeds 1-3; 30 iterations) without running it.
  func makeTune(_ store: RunStore, name: String = "made") throws -> TuneDefinition {
    let definition = TuneDefinition(
      optimizers: ["sgd", "adam"], learningRates: [0.01, 0.1, 1], searchSeeds: [1, 2],
      seeds: [1, 2, 3], validation: 100, target: 0.5, iterations: 30, evalInterval: 10,
      runArguments: [])
    try store.saveTune(name: name, definition: definition, at: RunFixture.startTime())
    return definition
  }

  /// Records a run as `tracker run` with these settings would: a search run
  /// (one evaluation, at 30) or a confirm run (every 10), with `test` as its
  /// test accuracies and `validation` at the last one.
  func record(
    _ store: RunStore, _ optimizer: String, lr: Double, seed: Int64, search: Bool,
    test: [Double], validation: Double, status: RunStatus = .completed
  ) throws {
    var settings = RunFixture.settings(optimizer: optimizer, seed: seed, lr: lr, iters: 30)
    settings.evalInterval = search ? 30 : 10
    settings.validation = 100
    let recorder = try store.begin(RunFixture.newRun(settings: settings))
    for i in 1...30 {
      try recorder.logLoss(iteration: i, loss: status == .diverged && i == 30 ? .nan : 0.5)
    }
    let iterations = search ? [30] : [10, 20, 30]
    for (i, accuracy) in zip(iterations, test) {
      try recorder.logEvaluation(iteration: i, trainAccuracy: accuracy, testAccuracy: accuracy)
    }
    try recorder.logValidation(iteration: 30, accuracy: validation)
    try recorder.finish(status: status, endedAt: RunFixture.startTime(hour: 1))
  }
}
