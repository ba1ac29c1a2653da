// The training loop end to end on a small synthetic data set: it learns, it is
// deterministic for a seed whatever the thread count, it stops when asked, and it
// rejects configurations that cannot train.

import XCTest

@testable import TrackerEngine

final class TrainingTests: XCTestCase {
  static let data = syntheticDataset(train: 2000, test: 600)

  func config(_ optimizer: OptimizerKind = .adam, iterations: Int = 200) -> TrainingConfig {
    var config = TrainingConfig()
    config.optimizer = optimizer
    config.iterations = iterations
    config.batchSize = 50
    config.evalInterval = 20
    config.seed = 3
    return config
  }

  func run(_ config: TrainingConfig) throws -> (events: [TrainingEvent], summary: TrainingSummary) {
    var events: [TrainingEvent] = []
    let summary = try train(config, on: Self.data) { event in
      events.append(event)
      return .proceed
    }
    return (events, summary)
  }

  func testAdamLearnsSeparableData() throws {
    let (events, summary) = try run(config())
    XCTAssertEqual(summary.iterationsRun, 200)
    XCTAssertEqual(events.count, 200 + 10)
    guard case .iteration(1, let firstLoss) = events[0] else {
      return XCTFail("first event \(events[0])")
    }
    XCTAssertEqual(
      firstLoss, log(10.0), accuracy: 0.05, "tiny initial weights: about uniform outputs")
    let accuracy = try XCTUnwrap(summary.finalTestAccuracy)
    print(
      "synthetic data, adam, 200 iterations: test accuracy \(accuracy), \(summary.trainingSeconds) s"
    )
    XCTAssertGreaterThan(accuracy, 0.8)
    guard case .evaluation(200, let trainAccuracy, let testAccuracy) = events.last! else {
      return XCTFail("last event \(events.last!)")
    }
    XCTAssertEqual(testAccuracy, accuracy)
    XCTAssertGreaterThan(trainAccuracy, 0.7)
  }

  func testEventsComeInOrder() throws {
    let (events, _) = try run(config(iterations: 40))
    var expected = 1
    for (k, event) in events.enumerated() {
      switch event {
      case .iteration(let i, let loss):
        XCTAssertEqual(i, expected)
        XCTAssert(loss.isFinite && loss > 0)
        expected += 1
      case .evaluation(let i, let train, let test):
        XCTAssertEqual(i % 20, 0)
        guard case .iteration(i, _) = events[k - 1] else {
          return XCTFail("evaluation \(i) not after its iteration")
        }
        XCTAssert((0...1).contains(train) && (0...1).contains(test))
      case .validation:
        XCTFail("a validation event without a validation set")
      }
    }
  }

  func testSameSeedGivesIdenticalEventsForAnyThreadCount() throws {
    for optimizer in OptimizerKind.allCases {
      var c = config(optimizer, iterations: 60)
      c.threads = 1
      let one = try run(c).events
      c.threads = 2
      let two = try run(c).events
      c.threads = 3
      let three = try run(c).events
      XCTAssertEqual(one, two, "\(optimizer): threads 1 vs 2")
      XCTAssertEqual(one, three, "\(optimizer): threads 1 vs 3")
      XCTAssertEqual(try run(c).events, three, "\(optimizer): same seed twice")
    }
    var other = config(iterations: 60)
    other.seed = 4
    XCTAssertNotEqual(try run(other).events, try run(config(iterations: 60)).events)
  }

  func testStoppingAndUnevenEndsGiveTheSameEventsForAnyThreadCount() throws {
    // With worker threads, events after an evaluation are held until it is done;
    // stopping anywhere, and a last stretch without an evaluation, must look the
    // same as with one thread.
    for stopAt in [7, 20, 25, 40, 1000] {
      var events: [[TrainingEvent]] = []
      var iterations: [Int] = []
      var finals: [Double?] = []
      for threads in [1, 2, 3] {
        var c = config(iterations: 55)
        c.threads = threads
        var seen: [TrainingEvent] = []
        let summary = try train(c, on: Self.data) { event in
          seen.append(event)
          if case .iteration(stopAt, _) = event { return .stop }
          return .proceed
        }
        events.append(seen)
        iterations.append(summary.iterationsRun)
        finals.append(summary.finalTestAccuracy)
      }
      XCTAssertEqual(events[0], events[1], "stop at \(stopAt): threads 1 vs 2")
      XCTAssertEqual(events[0], events[2], "stop at \(stopAt): threads 1 vs 3")
      XCTAssertEqual(Set(iterations), [min(stopAt, 55)])
      XCTAssertEqual(finals[0], finals[1])
      XCTAssertEqual(finals[0], finals[2])
    }
  }

  func testBatchNormAndReluTrainDeterministically() throws {
    var c = config(iterations: 100)
    c.batchNorm = true
    c.activation = .relu
    c.weightInit = .he
    c.threads = 1
    let first = try run(c)
    c.threads = 2
    XCTAssertEqual(try run(c).events, first.events)
    let accuracy = try XCTUnwrap(first.summary.finalTestAccuracy)
    print("synthetic data, relu + batch norm, 100 iterations: test accuracy \(accuracy)")
    XCTAssertGreaterThan(accuracy, 0.8)
  }

  func testStopEndsEarly() throws {
    var events: [TrainingEvent] = []
    let summary = try train(config(), on: Self.data) { event in
      events.append(event)
      if case .iteration(7, _) = event { return .stop }
      return .proceed
    }
    XCTAssertEqual(summary.iterationsRun, 7)
    XCTAssertEqual(events.count, 7)
    XCTAssertNil(summary.finalTestAccuracy)

    events = []
    let afterEvaluation = try train(config(), on: Self.data) { event in
      events.append(event)
      if case .evaluation = event { return .stop }
      return .proceed
    }
    XCTAssertEqual(afterEvaluation.iterationsRun, 20)
    XCTAssertEqual(events.count, 21)
    XCTAssertNotNil(afterEvaluation.finalTestAccuracy)
  }

  func testObserverErrorsPropagate() {
    struct Cancelled: Error {}
    XCTAssertThrowsError(try train(config(), on: Self.data) { _ in throw Cancelled() }) { error in
      XCTAssert(error is Cancelled)
    }
  }

  func testInvalidConfigurationsAreRejected() {
    func expect(_ option: String, _ change: (inout TrainingConfig) -> Void) {
      var c = TrainingConfig()
      change(&c)
      XCTAssertThrowsError(try c.validate(), option) { error in
        XCTAssertEqual((error as? ConfigError)?.option, option)
        XCTAssert(String(describing: error).hasPrefix(option))
      }
      XCTAssertThrowsError(try train(c, on: Self.data) { _ in .proceed })
    }
    XCTAssertNoThrow(try TrainingConfig().validate())
    expect("--hidden") { $0.hidden = [] }
    expect("--hidden") { $0.hidden = [40, 0] }
    expect("--weight-init") { $0.weightInit = .std(-1) }
    expect("--iters") { $0.iterations = 0 }
    expect("--batch-size") { $0.batchSize = -5 }
    expect("--eval-interval") { $0.evalInterval = 0 }
    expect("--eval-interval") { $0.evalInterval = 2000 }
    expect("--threads") { $0.threads = 0 }
    expect("--lr") { $0.settings.lr = 0 }
    expect("--lr") { $0.settings.lr = .nan }
    expect("--lr") { $0.settings.lr = .infinity }
    expect("--momentum") {
      $0.optimizer = .momentum
      $0.settings.momentum = 1
    }
    expect("--adagrad-theta") {
      $0.optimizer = .adagrad
      $0.settings.adagradTheta = 0
    }
    expect("--decay-rate") {
      $0.optimizer = .rmsprop
      $0.settings.decayRate = -0.1
    }
    expect("--beta1") { $0.settings.beta1 = 1 }
    expect("--beta2") { $0.settings.beta2 = .nan }
  }

  func testEmptyDataSetIsAnError() {
    let empty = Dataset(
      name: "empty", trainImages: [], trainLabels: [], testImages: [1], testLabels: [0],
      pixelsPerImage: 1)
    XCTAssertThrowsError(try train(TrainingConfig(), on: empty) { _ in .proceed }) { error in
      XCTAssertEqual(error as? DataError, .noImages(dataset: "empty"))
    }
  }

  func testWeightInitParsesAndPrints() {
    XCTAssertEqual(WeightInit("he"), .he)
    XCTAssertEqual(WeightInit("xavier"), .xavier)
    XCTAssertEqual(WeightInit("0.01"), .std(0.01))
    for text in ["", "0", "-1", "nan", "inf", "He", "0.01x"] {
      XCTAssertNil(WeightInit(text), text)
    }
    for w in [WeightInit.std(0.01), .std(1), .std(1e-5), .std(0.1 + 0.2), .he, .xavier] {
      XCTAssertEqual(WeightInit(w.description), w, w.description)
    }
    XCTAssertEqual(WeightInit.std(0.01).description, "0.01")
    XCTAssertEqual(WeightInit.he.scale(fanIn: 8), 0.5)
    XCTAssertEqual(WeightInit.xavier.scale(fanIn: 4), 0.5)
  }
}
