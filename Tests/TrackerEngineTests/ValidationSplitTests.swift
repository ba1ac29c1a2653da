// The validation split: the last N training images are held out, never drawn
// into a mini-batch, and evaluated once, at the last evaluation, with the same
// result for any thread count; without one, a run has no validation event.

import XCTest

@testable import TrackerEngine

final class ValidationSplitTests: XCTestCase {
  static let data = syntheticDataset(train: 1000, test: 300)

  func config(validation: Int, iterations: Int = 55, threads: Int = 2) -> TrainingConfig {
    var config = TrainingConfig()
    config.iterations = iterations
    config.batchSize = 40
    config.evalInterval = 20
    config.seed = 5
    config.validation = validation
    config.settings.lr = 0.05
    config.threads = threads
    return config
  }

  func events(_ config: TrainingConfig, on data: Dataset = data) throws -> [TrainingEvent] {
    var events: [TrainingEvent] = []
    _ = try train(config, on: data) { event in
      events.append(event)
      return .proceed
    }
    return events
  }

  func testMiniBatchesNeverDrawAValidationIndex() {
    let data = Self.data
    let pool = data.trainCount - 300
    let batch = MiniBatch(size: 100, width: data.pixelsPerImage)
    var rng = TrackerRandom(seed: 1)
    var highest = 0
    for _ in 0..<500 {
      batch.draw(from: data, pool: pool, &rng)
      for b in 0..<batch.size {
        XCTAssertLessThan(batch.indices[b], pool, "drew validation image \(batch.indices[b])")
        highest = max(highest, batch.indices[b])
      }
    }
    // 50,000 draws from 700 images: the last training image is drawn too.
    XCTAssertEqual(highest, pool - 1)
  }

  func testHeldOutImagesDoNotChangeTraining() throws {
    // The same data with the last 200 training images replaced by noise with other
    // labels: with those 200 held out, training (losses, test accuracy) is the same
    // bit for bit; only the validation accuracy differs.
    let data = Self.data
    let pixels = data.pixelsPerImage
    let keep = data.trainCount - 200
    var images = data.trainImages.withUnsafeBufferPointer { Array($0) }
    var labels = data.trainLabels
    var rng = TrackerRandom(seed: 99)
    for i in (keep * pixels)..<images.count { images[i] = UInt8(rng.uniform(below: 256)) }
    for i in keep..<labels.count { labels[i] = UInt8((Int(labels[i]) + 1) % 10) }
    let testImages = data.testImages.withUnsafeBufferPointer { Array($0) }
    let other = Dataset(
      name: "synthetic", trainImages: images, trainLabels: labels, testImages: testImages,
      testLabels: data.testLabels, pixelsPerImage: pixels)

    let a = try events(config(validation: 200, iterations: 200))
    let b = try events(config(validation: 200, iterations: 200), on: other)
    func training(_ events: [TrainingEvent]) -> [TrainingEvent] {
      events.filter { if case .validation = $0 { false } else { true } }
    }
    XCTAssertEqual(training(a), training(b))
    guard case .validation(200, let va) = a.last, case .validation(200, let vb) = b.last else {
      return XCTFail("no validation event at the end: \(a.last!), \(b.last!)")
    }
    guard case .evaluation(200, _, let test) = a[a.count - 2] else { return XCTFail("\(a)") }
    XCTAssertEqual(va, test, accuracy: 0.1, "held-out images are like the test images")
    XCTAssertLessThan(vb, va, "labels shifted by one")
  }

  func testValidationIsMeasuredOnceAtTheLastEvaluationForAnyThreadCount() throws {
    // 55 iterations, every 20: the last evaluation is at 40.
    let one = try events(config(validation: 250, threads: 1))
    for threads in [2, 3] {
      XCTAssertEqual(try events(config(validation: 250, threads: threads)), one, "\(threads)")
    }
    let validations = one.enumerated().compactMap { k, event -> (Int, Int, Double)? in
      if case .validation(let i, let accuracy) = event { return (k, i, accuracy) }
      return nil
    }
    XCTAssertEqual(validations.count, 1)
    let (k, iteration, accuracy) = try XCTUnwrap(validations.first)
    XCTAssertEqual(iteration, 40)
    XCTAssert((0...1).contains(accuracy))
    guard case .evaluation(40, _, _) = one[k - 1] else {
      return XCTFail("validation not right after its evaluation: \(one[k - 1])")
    }
  }

  func testWithoutValidationThereIsNoValidationEventAndDrawsAreUnchanged() throws {
    let plain = try events(config(validation: 0))
    XCTAssertFalse(plain.contains { if case .validation = $0 { true } else { false } })
    // A pool of the whole training set is the draw of before validation existed:
    // the generator's own `uniform(below: trainCount)` stream.
    let data = Self.data
    let batch = MiniBatch(size: 40, width: data.pixelsPerImage)
    var rng = TrackerRandom(seed: 5)
    var reference = TrackerRandom(seed: 5)
    for _ in 0..<20 {
      batch.draw(from: data, pool: data.trainCount, &rng)
      for b in 0..<batch.size {
        XCTAssertEqual(batch.indices[b], reference.uniform(below: data.trainCount))
      }
    }
  }

  func testAValidationSetTooLargeOrNegativeIsRejected() {
    XCTAssertThrowsError(try events(config(validation: 1000))) { error in
      XCTAssertEqual((error as? ConfigError)?.option, "--validation")
    }
    XCTAssertThrowsError(try config(validation: -1).validate()) { error in
      XCTAssertEqual((error as? ConfigError)?.option, "--validation")
    }
  }
}
