// The events of a run, handed to the caller's `observe` in training order. With
// worker threads a test-set evaluation runs on a snapshot of the network while
// training goes on, so its count arrives after later iterations have trained: its
// event, and the iteration events after it, are held back until it is done. So
// `observe` sees the same events, in the same order, with the same values, as with
// one thread. Once `observe` has said stop, nothing more is delivered.

struct OrderedEvents {
  private let observe: (TrainingEvent) throws -> TrainingControl
  private let evaluator: Evaluator<Float>
  private let testCount: Int
  private let validationCount: Int
  /// The evaluation running on the workers (with its validation-set job at the
  /// last evaluation), and the iterations trained since it started.
  private var pending:
    (
      iteration: Int, trainAccuracy: Double, job: Evaluator<Float>.Job,
      validation: Evaluator<Float>.Job?
    )?
  private var held: [(iteration: Int, loss: Double)] = []
  private(set) var stopped = false
  /// The last iteration delivered.
  private(set) var iterationsRun = 0
  /// The test accuracy of the last evaluation delivered.
  private(set) var finalTestAccuracy: Double?
  /// Time spent in `observe`, which the run's training time leaves out.
  private(set) var observing = Duration.zero
  private let clock = ContinuousClock()

  /// `testCount` rows in the test set and `validationCount` in the validation set
  /// (an accuracy is a count of correct rows over them); at most `evalInterval`
  /// iterations are held at a time.
  init(
    _ observe: @escaping (TrainingEvent) throws -> TrainingControl, evaluator: Evaluator<Float>,
    testCount: Int, validationCount: Int, evalInterval: Int
  ) {
    (self.observe, self.evaluator, self.testCount) = (observe, evaluator, testCount)
    self.validationCount = validationCount
    // Bounded: nothing may allocate in proportion to an option (--eval-interval
    // is validated too, but the buffer grows on demand past this anyway).
    held.reserveCapacity(min(evalInterval, 1024))
  }

  /// Iteration `i`'s event: delivered now, or held behind a pending evaluation.
  /// False once `observe` has said stop (also for each of the calls below).
  mutating func iteration(_ i: Int, loss: Double) throws -> Bool {
    guard pending == nil else {
      held.append((i, loss))
      return true
    }
    iterationsRun = i
    return try deliver(.iteration(i, loss: loss))
  }

  /// An evaluation done on the calling thread: delivered now.
  mutating func evaluation(
    _ i: Int, trainAccuracy: Double, testCorrect: Int, validationCorrect: Int?
  ) throws -> Bool {
    precondition(pending == nil, "an evaluation on the workers is pending")
    return try deliverEvaluation(i, trainAccuracy, testCorrect, validationCorrect)
  }

  /// An evaluation just started on the workers: the one before it is waited for and
  /// delivered, with the iterations held behind it; this one becomes pending.
  mutating func evaluation(
    _ i: Int, trainAccuracy: Double, running job: Evaluator<Float>.Job,
    validation: Evaluator<Float>.Job?
  ) throws -> Bool {
    guard try finish() else { return false }
    pending = (i, trainAccuracy, job, validation)
    return true
  }

  /// Waits for the pending evaluation, if any, and delivers it and the iterations
  /// held behind it.
  @discardableResult
  mutating func finish() throws -> Bool {
    guard !stopped, let (i, trainAccuracy, job, validation) = pending else { return !stopped }
    pending = nil
    let testCorrect = evaluator.finish(job)
    let validationCorrect = validation.map { evaluator.finish($0) }
    guard try deliverEvaluation(i, trainAccuracy, testCorrect, validationCorrect) else {
      return false
    }
    for (i, loss) in held {
      iterationsRun = i
      guard try deliver(.iteration(i, loss: loss)) else { return false }
    }
    held.removeAll(keepingCapacity: true)
    return true
  }

  // MARK: - Delivery

  private mutating func deliverEvaluation(
    _ i: Int, _ trainAccuracy: Double, _ testCorrect: Int, _ validationCorrect: Int?
  ) throws -> Bool {
    let testAccuracy = Double(testCorrect) / Double(testCount)
    finalTestAccuracy = testAccuracy
    guard try deliver(.evaluation(i, trainAccuracy: trainAccuracy, testAccuracy: testAccuracy))
    else { return false }
    guard let validationCorrect else { return true }
    return try deliver(
      .validation(i, accuracy: Double(validationCorrect) / Double(validationCount)))
  }

  private mutating func deliver(_ event: TrainingEvent) throws -> Bool {
    let before = clock.now
    defer { observing += clock.now - before }
    stopped = try observe(event) == .stop
    return !stopped
  }
}
