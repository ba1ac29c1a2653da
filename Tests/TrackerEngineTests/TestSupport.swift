// Shared helpers for the engine tests: synthetic data sets, random sparse images,
// temporary directories.

import Foundation
import XCTest

@testable import TrackerEngine

/// A separable 10-class data set of `side`x`side` images, MNIST-like in that most
/// pixels are zero: each class has a template (a random 30% of the pixels), and an
/// image lights 90% of its class's template with random brightness, plus a few
/// random noise pixels.
func syntheticDataset(train: Int, test: Int, side: Int = 12, seed: UInt64 = 7) -> Dataset {
  var rng = TrackerRandom(seed: seed)
  let pixels = side * side
  let templates = (0..<10).map { _ in (0..<pixels).map { _ in rng.nextDouble() < 0.3 } }
  func make(_ count: Int) -> ([UInt8], [UInt8]) {
    var images = [UInt8](repeating: 0, count: count * pixels)
    var labels = [UInt8](repeating: 0, count: count)
    for n in 0..<count {
      let label = rng.uniform(below: 10)
      labels[n] = UInt8(label)
      for p in 0..<pixels {
        if templates[label][p] && rng.nextDouble() < 0.9 {
          images[n * pixels + p] = UInt8(128 + rng.uniform(below: 128))
        } else if rng.nextDouble() < 0.05 {
          images[n * pixels + p] = UInt8(rng.uniform(below: 256))
        }
      }
    }
    return (images, labels)
  }
  let (trainImages, trainLabels) = make(train)
  let (testImages, testLabels) = make(test)
  return Dataset(
    name: "synthetic", trainImages: trainImages, trainLabels: trainLabels, testImages: testImages,
    testLabels: testLabels, pixelsPerImage: pixels)
}

/// `count` random images of `width` pixels, about `zeros` of the pixels zero.
func randomImages(_ count: Int, width: Int, zeros: Double, _ rng: inout TrackerRandom) -> [UInt8] {
  (0..<(count * width)).map { _ in
    rng.nextDouble() < zeros ? 0 : UInt8(1 + rng.uniform(below: 255))
  }
}

/// Uniform values in [-1, 1).
func randomValues<T: BinaryFloatingPoint>(_ count: Int, _ rng: inout TrackerRandom) -> [T] {
  (0..<count).map { _ in T(2 * rng.nextDouble() - 1) }
}

/// A fresh empty directory, removed when the test ends.
func temporaryDirectory(_ test: XCTestCase) throws -> String {
  let path = NSTemporaryDirectory() + "tracker-engine-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
  return path
}

/// The largest |a - b| and the largest |a|, |b| over two equally long arrays; the
/// difference is infinite where either holds a NaN.
func largestDifference(_ a: [Double], _ b: [Double]) -> (difference: Double, scale: Double) {
  precondition(a.count == b.count)
  var difference = 0.0
  var scale = 0.0
  for k in a.indices {
    let d = abs(a[k] - b[k])
    difference = d.isNaN ? .infinity : max(difference, d)
    scale = max(scale, abs(a[k]), abs(b[k]))
  }
  return (difference, scale)
}
