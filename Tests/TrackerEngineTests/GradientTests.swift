// Backpropagation checked against central finite differences. The network is
// generic over its number type, so the check runs the very code used in training
// (sparse first layer, SIMD kernels, batch norm) in Double; the Float network is
// then held to the Double gradients.

import XCTest

@testable import TrackerEngine

final class GradientTests: XCTestCase {
  let inputs = 20
  let hidden = [37, 11]  // not multiples of 8: SIMD blocks and scalar tails
  let batch = 8

  struct Problem<T: NetScalar> {
    let network: Network<T>
    let x: SparseRows<T>
    let labels: [UInt8]
    let ws: Workspace<T>
  }

  func makeProblem<T: NetScalar>(_: T.Type, _ activation: Activation, batchNorm: Bool) -> Problem<T>
  {
    var rng = TrackerRandom(seed: 21)
    let layout = NetworkLayout(inputs: inputs, hidden: hidden, classes: 10, batchNorm: batchNorm)
    let network = Network<T>(layout: layout, activation: activation)
    network.initialize(.std(0.5), &rng)
    // Non-trivial biases, gammas and betas, so that their gradients are tested too.
    for layer in layout.layers {
      for view in [layer.bias, layer.gamma, layer.beta].compactMap({ $0 }) {
        for k in 0..<view.count {
          network.params[view.offset + k] += T(0.5 * (2 * rng.nextDouble() - 1))
        }
      }
    }
    let images = randomImages(batch, width: inputs, zeros: 0.5, &rng)
    let x = images.withUnsafeBufferPointer { SparseRows<T>(images: $0, width: inputs) }
    let labels = (0..<batch).map { _ in UInt8(rng.uniform(below: 10)) }
    return Problem(
      network: network, x: x, labels: labels, ws: Workspace(layout: layout, capacity: batch))
  }

  /// The training loss, without the 1e-7 inside the log that backward ignores.
  func loss<T>(_ p: Problem<T>) -> Double {
    p.network.forward(p.x, rows: 0..<batch, p.ws, training: true)
    return p.network.loss(labels: p.labels, n: batch, p.ws, epsilon: 0)
  }

  func analyticGradient<T>(_ p: Problem<T>) -> [Double] {
    _ = loss(p)
    p.network.zeroGrad()
    p.network.backward(p.x, labels: p.labels, p.ws)
    return p.network.grads.map { Double($0) }
  }

  func numericalGradient(_ p: Problem<Double>, h: Double = 1e-5) -> [Double] {
    (0..<p.network.params.count).map { k in
      let saved = p.network.params[k]
      p.network.params[k] = saved + h
      let up = loss(p)
      p.network.params[k] = saved - h
      let down = loss(p)
      p.network.params[k] = saved
      return (up - down) / (2 * h)
    }
  }

  func check(_ activation: Activation, batchNorm: Bool) {
    let problem = makeProblem(Double.self, activation, batchNorm: batchNorm)
    let analytic = analyticGradient(problem)
    let numerical = numericalGradient(problem)
    let (difference, scale) = largestDifference(analytic, numerical)
    let name = "\(activation)\(batchNorm ? " + batch norm" : "")"
    print(
      "gradient check, \(name): largest |analytic - numerical| = \(difference) (largest gradient \(scale))"
    )
    // Central differences with h = 1e-5 are good to about 1e-9 here.
    XCTAssertGreaterThan(scale, 1e-3)
    XCTAssertLessThan(difference, 1e-7 * scale, name)

    // The Float network, from the same parameters, against the Double gradient.
    let single = makeProblem(Float.self, activation, batchNorm: batchNorm)
    _ = single.network.params.update(fromContentsOf: problem.network.params.map { Float($0) })
    let (floatDifference, _) = largestDifference(analyticGradient(single), analytic)
    print("gradient check, \(name): largest |Float - Double| = \(floatDifference)")
    XCTAssertLessThan(floatDifference, 1e-4 * scale, "\(name) in Float")
  }

  func testSigmoid() { check(.sigmoid, batchNorm: false) }
  func testRelu() { check(.relu, batchNorm: false) }
  func testSigmoidWithBatchNorm() { check(.sigmoid, batchNorm: true) }
  func testReluWithBatchNorm() { check(.relu, batchNorm: true) }

  func testBatchNormRunningStatisticsAndInference() {
    let p = makeProblem(Double.self, .sigmoid, batchNorm: true)
    _ = loss(p)  // one training-mode pass: running = 0.9·0 + 0.1·batch statistic
    let h = hidden[0]
    let affine = p.ws.affine[0]
    for j in [0, 5, h - 1] {
      let column = (0..<batch).map { affine[$0 * h + j] }
      let mean = column.reduce(0, +) / Double(batch)
      let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(batch)
      XCTAssertEqual(p.network.runningMean[j], 0.1 * mean, accuracy: 1e-12)
      XCTAssertEqual(p.network.runningVar[j], 0.1 * variance, accuracy: 1e-12)
    }
    // Inference mode uses the running statistics and leaves them alone.
    let before = p.network.runningMean
    p.network.forward(p.x, rows: 0..<batch, p.ws, training: false)
    XCTAssertEqual(p.network.runningMean, before)
    let gamma = p.network.params[p.network.layout.layers[0].gamma!.offset]
    let beta = p.network.params[p.network.layout.layers[0].beta!.offset]
    let expected =
      gamma * (affine[0] - before[0]) / (p.network.runningVar[0] + 1e-6).squareRoot() + beta
    XCTAssertEqual(p.ws.normalizedOut[0][0], expected, accuracy: 1e-12)
  }
}
