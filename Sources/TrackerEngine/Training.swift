// The training loop of the reference notebook, top to bottom: next mini-batch,
// forward, loss, zeroGrad, backward, optimizer step, report; every evalInterval
// iterations, evaluate (and at the last scheduled evaluation, also on the
// validation set when one is held out). Events go to the caller's `observe`, which
// may stop the run. Same seed and configuration give bit-identical events on one machine,
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
  /// Right after the `.evaluation` event of the last scheduled evaluation (the
  /// iteration `TrainingConfig.lastEvaluation`), when `TrainingConfig.validation`
  /// images are held out: accuracy on them, in inference mode.
  case validation(Int, accuracy: Double)
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
  guard config.validation < data.trainCount else {
    throw ConfigError(
      option: "--validation",
      message:
        "holds out \(config.validation) of the \(data.trainCount) training images; leave some to train on"
    )
  }
  // The run's events keep `observe` until the run returns, and no longer.
  return try withoutActuallyEscaping(observe) { try run(config, on: data, observe: $0) }
}

/// `train`, once the configuration and the data set have been checked.
private func run(
  _ config: TrainingConfig, on data: Dataset,
  observe: @escaping (TrainingEvent) throws -> TrainingControl
) throws -> TrainingSummary {
  let clock = ContinuousClock()
  let started = clock.now

  // The model, its optimizer, and the buffers of one mini-batch.
  let layout = NetworkLayout(
    inputs: data.pixelsPerImage, hidden: config.hidden, classes: Dataset.classCount,
    batchNorm: config.batchNorm)
  var rng = TrackerRandom(seed: config.seed)
  let network = Network<Float>(layout: layout, activation: config.activation)
  network.initialize(config.weightInit, &rng)
  var optimizer = makeOptimizer(config.optimizer, config.settings)
  let batch = MiniBatch(size: config.batchSize, width: data.pixelsPerImage)
  let ws = Workspace<Float>(layout: layout, capacity: batch.size)

  // For evaluation: the test set, converted once (with worker threads, on another
  // thread while the first iterations train). With workers, a test-set evaluation
  // runs on a snapshot of the network while training goes on: two snapshots, one
  // being evaluated while the other is filled.
  let testSet = Prepared(inBackground: config.threads > 1) { TestSet(data) }
  // The validation set, converted once; evaluated only at the last evaluation (a
  // run's validation accuracy is its final one: see `TrainingConfig.validation`).
  let validation = config.validation
  let validationSet =
    validation > 0
    ? Prepared(inBackground: config.threads > 1) {
      TestSet(heldOutOf: data, validation: validation)
    } : nil
  let pool = data.trainCount - validation
  var snapshots = (config.threads > 1 ? 0..<2 : 0..<0).map { _ in
    Network<Float>(layout: layout, activation: config.activation)
  }
  let evaluator = Evaluator<Float>(layout: layout, threads: config.threads)
  // Jobs left running when the loop stops early read the test set until `close`.
  defer { withExtendedLifetime((testSet, validationSet)) { evaluator.close() } }
  var events = OrderedEvents(
    observe, evaluator: evaluator, testCount: data.testCount, validationCount: validation,
    evalInterval: config.evalInterval)

  /// Accuracy on this iteration's mini-batch, on the test set and, at the last
  /// evaluation, on the validation set: on this thread, or on a snapshot by the
  /// workers. False when `observe` said stop.
  func evaluate(_ iteration: Int) throws -> Bool {
    let trainCorrect = evaluator.correctCount(network, batch.rows, labels: batch.labels)
    let trainAccuracy = Double(trainCorrect) / Double(batch.size)
    let test = testSet.value
    let held = iteration == config.lastEvaluation ? validationSet?.value : nil
    guard let snapshot = snapshots.first else {
      let testCorrect = evaluator.correctCount(network, test.rows, labels: test.labels)
      let validationCorrect = held.map {
        evaluator.correctCount(network, $0.rows, labels: $0.labels)
      }
      return try events.evaluation(
        iteration, trainAccuracy: trainAccuracy, testCorrect: testCorrect,
        validationCorrect: validationCorrect)
    }
    snapshots.swapAt(0, 1)  // the next evaluation fills the other one
    snapshot.copyState(from: network)
    let job = evaluator.start(snapshot, test.rows, labels: test.labels)
    let validationJob = held.map { evaluator.start(snapshot, $0.rows, labels: $0.labels) }
    return try events.evaluation(
      iteration, trainAccuracy: trainAccuracy, running: job, validation: validationJob)
  }

  for iteration in 1...config.iterations {
    batch.draw(from: data, pool: pool, &rng)
    // This loss, of the pass whose gradient we apply, is the one reported: it
    // describes the parameters before this step's update.
    network.forward(batch.rows, rows: 0..<batch.size, ws, training: true)
    let loss = network.loss(labels: batch.labels, n: batch.size, ws)
    network.zeroGrad()
    network.backward(batch.rows, labels: batch.labels, ws)
    optimizer.step(network.params, UnsafeBufferPointer(network.grads))
    guard try events.iteration(iteration, loss: loss) else { break }
    if iteration % config.evalInterval == 0 {
      guard try evaluate(iteration) else { break }
    }
  }
  try events.finish()

  let elapsed = clock.now - started - events.observing
  let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
  return TrainingSummary(
    iterationsRun: events.iterationsRun, finalTestAccuracy: events.finalTestAccuracy,
    trainingSeconds: seconds)
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
