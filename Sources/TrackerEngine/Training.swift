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

  // Converted once: the test set as sparse rows (with worker threads, on another
  // thread while the first iterations train); buffers for one mini-batch.
  let testImages = data.testImages
  let testRows = Prepared(inBackground: config.threads > 1) {
    let rows = testImages.withUnsafeBufferPointer { SparseRows<Float>(images: $0, width: width) }
    rows.split(at: width / 2)
    return Handed(rows)
  }
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
  defer { evaluator.close() }

  // With worker threads, a test-set evaluation runs on a snapshot of the network
  // while training goes on; its event, and the iteration events after it, are
  // held back until it is done, so `observe` sees the events in the same order,
  // with the same values, as without workers. Two snapshots: one being
  // evaluated, one being filled.
  let snapshots =
    config.threads > 1
    ? [
      Network<Float>(layout: layout, activation: config.activation),
      Network<Float>(layout: layout, activation: config.activation),
    ]
    : []
  var evaluations = 0
  var pending: (iteration: Int, trainAccuracy: Double, job: Evaluator<Float>.Job)?
  var held: [(iteration: Int, loss: Double)] = []
  held.reserveCapacity(config.evalInterval)

  var iterationsRun = 0
  var finalTestAccuracy: Double?
  try data.trainImages.withUnsafeBufferPointer { images in
    try data.trainLabels.withUnsafeBufferPointer { labels in
      try data.testLabels.withUnsafeBufferPointer { testLabels in
        /// Reports an evaluation; false when `observe` said stop.
        func reportEvaluation(_ iteration: Int, _ trainAccuracy: Double, _ testCorrect: Int)
          throws -> Bool
        {
          let testAccuracy = Double(testCorrect) / Double(data.testCount)
          finalTestAccuracy = testAccuracy
          let event = TrainingEvent.evaluation(
            iteration, trainAccuracy: trainAccuracy, testAccuracy: testAccuracy)
          return try report(event) == .proceed
        }
        /// Waits for the pending evaluation, then reports it and the iterations
        /// held behind it; false when `observe` said stop.
        func deliverPending() throws -> Bool {
          guard let (iteration, trainAccuracy, job) = pending else { return true }
          pending = nil
          guard try reportEvaluation(iteration, trainAccuracy, evaluator.finish(job)) else {
            return false
          }
          for (i, loss) in held {
            iterationsRun = i
            guard try report(.iteration(i, loss: loss)) == .proceed else { return false }
          }
          held.removeAll(keepingCapacity: true)
          return true
        }

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
          optimizer.step(network.params, UnsafeBufferPointer(network.grads))
          if pending == nil {
            iterationsRun = iteration
            guard try report(.iteration(iteration, loss: loss)) == .proceed else { return }
          } else {
            held.append((iteration, loss))
          }

          if iteration % config.evalInterval == 0 {
            let test = testRows.value.value
            let trainCorrect = evaluator.correctCount(network, batch, labels: batchLabels)
            let trainAccuracy = Double(trainCorrect) / Double(n)
            if snapshots.isEmpty {
              let testCorrect = evaluator.correctCount(
                network, test, labels: testLabels.baseAddress!)
              guard try reportEvaluation(iteration, trainAccuracy, testCorrect) else { return }
            } else {
              let snapshot = snapshots[evaluations % 2]
              evaluations += 1
              snapshot.copyState(from: network)
              let job = evaluator.start(snapshot, test, labels: testLabels.baseAddress!)
              guard try deliverPending() else { return }
              pending = (iteration, trainAccuracy, job)
            }
          }
        }
        _ = try deliverPending()
      }
    }
  }
  let elapsed = clock.now - started - observing
  let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
  return TrainingSummary(
    iterationsRun: iterationsRun, finalTestAccuracy: finalTestAccuracy, trainingSeconds: seconds)
}

/// A value computed once: on a thread of its own when `inBackground`, else on the
/// first read of `value`, which waits for it. Read `value` from one thread only.
private final class Prepared<Value: Sendable>: @unchecked Sendable {
  private let make: @Sendable () -> Value
  private let ready = DispatchSemaphore(value: 0)
  private let inBackground: Bool
  /// Written by the background thread before it signals `ready`.
  private var made: Value?
  /// The reader's copy.
  private var cached: Value?

  init(inBackground: Bool, _ make: @escaping @Sendable () -> Value) {
    self.make = make
    self.inBackground = inBackground
    if inBackground {
      Thread { [self] in
        made = make()
        ready.signal()
      }.start()
    }
  }

  var value: Value {
    if let cached { return cached }
    if inBackground {
      ready.wait()
      cached = made
    } else {
      cached = make()
    }
    return cached!
  }
}
