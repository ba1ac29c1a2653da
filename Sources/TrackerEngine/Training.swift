// The training loop of the reference notebook, top to bottom: sample a batch,
// forward, loss, zeroGrad, backward, optimizer step, report; every evalInterval
// iterations, evaluate. Events go to the caller's `observe`, which may stop the
// run. Same seed and configuration give bit-identical events on one machine,
// whatever the thread count.

import Foundation

public enum TrainingEvent: Sendable, Equatable {
  /// Every iteration, 1-based, with the mini-batch loss of the forward pass that
  /// produced the gradient (i.e. before the update).
  case iteration(Int, loss: Double)
  /// When iteration % evalInterval == 0, after that iteration's update and after its
  /// `.iteration` event: accuracy on that iteration's mini-batch and on the whole
  /// test set, both in inference mode.
  case evaluation(Int, trainAccuracy: Double, testAccuracy: Double)
}

public enum TrainingControl: Sendable {
  case proceed, stop
}

public struct TrainingSummary: Sendable {
  /// Iterations completed (fewer than configured when `observe` said stop).
  public let iterationsRun: Int
  /// The test accuracy of the last evaluation; nil if none ran.
  public let finalTestAccuracy: Double?
  /// Wall-clock seconds inside `train`, not counting time spent in `observe`.
  public let trainingSeconds: Double
}

/// Runs the whole training; calls `observe` for each event in order; stops early
/// when it returns `.stop` (no further events follow). Throws `ConfigError` for an
/// invalid configuration and rethrows what `observe` throws.
public func train(
  _ config: TrainingConfig, on data: Dataset, observe: (TrainingEvent) throws -> TrainingControl
) throws -> TrainingSummary {
  try config.validate()
  guard data.trainCount > 0, data.testCount > 0 else {
    throw DataError.noImages(dataset: data.name)
  }
  let clock = ContinuousClock()
  let started = clock.now
  var observing = Duration.zero
  func report(_ event: TrainingEvent) throws -> TrainingControl {
    let before = clock.now
    defer { observing += clock.now - before }
    return try observe(event)
  }

  let width = data.pixelsPerImage
  let layout = NetworkLayout(
    inputs: width, hidden: config.hidden, classes: Dataset.classCount, batchNorm: config.batchNorm)
  var rng = TrackerRandom(seed: config.seed)
  let network = Network<Float>(layout: layout, activation: config.activation)
  network.initialize(config.weightInit, &rng)
  var optimizer = makeOptimizer(config.optimizer, config.settings)

  // Converted once: the test set as sparse rows; buffers for one mini-batch.
  let test = data.testImages.withUnsafeBufferPointer { SparseRows<Float>(images: $0, width: width) }
  let n = config.batchSize
  let batch = SparseRows<Float>(rowCapacity: n, entryCapacity: n * width, width: width)
  let batchIndices = UnsafeMutablePointer<Int>.allocate(capacity: n)
  let batchLabels = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
  defer {
    batchIndices.deallocate()
    batchLabels.deallocate()
  }
  let ws = Workspace<Float>(layout: layout, capacity: n)
  let evaluator = Evaluator<Float>(layout: layout, threads: config.threads)

  var iterationsRun = 0
  var finalTestAccuracy: Double?
  try data.trainImages.withUnsafeBufferPointer { images in
    try data.trainLabels.withUnsafeBufferPointer { labels in
      try data.testLabels.withUnsafeBufferPointer { testLabels in
        for iteration in 1...config.iterations {
          // Batch: batchSize indices drawn uniformly with replacement.
          for b in 0..<n {
            batchIndices[b] = rng.uniform(below: data.trainCount)
            batchLabels[b] = labels[batchIndices[b]]
          }
          batch.removeAll()
          batch.append(images: images.baseAddress!, indices: batchIndices, count: n)
          // Forward and loss. This loss, of the pass whose gradient we apply, is the
          // one reported: it describes the parameters before this step's update.
          network.forward(batch, rows: 0..<n, ws, training: true)
          let loss = network.loss(labels: batchLabels, n: n, ws)
          network.zeroGrad()
          network.backward(batch, labels: batchLabels, ws)
          optimizer.step(&network.params, network.grads)
          iterationsRun = iteration
          guard try report(.iteration(iteration, loss: loss)) == .proceed else { return }

          if iteration % config.evalInterval == 0 {
            let trainCorrect = evaluator.correctCount(network, batch, labels: batchLabels)
            let testCorrect = evaluator.correctCount(network, test, labels: testLabels.baseAddress!)
            let testAccuracy = Double(testCorrect) / Double(data.testCount)
            finalTestAccuracy = testAccuracy
            let event = TrainingEvent.evaluation(
              iteration, trainAccuracy: Double(trainCorrect) / Double(n), testAccuracy: testAccuracy
            )
            guard try report(event) == .proceed else { return }
          }
        }
      }
    }
  }
  let elapsed = clock.now - started - observing
  let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
  return TrainingSummary(
    iterationsRun: iterationsRun, finalTestAccuracy: finalTestAccuracy, trainingSeconds: seconds)
}
