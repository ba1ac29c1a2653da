// Each optimizer against values worked out by hand for two or three steps on the
// parameter vector p = [1, -2]. The arithmetic is in the comments; results are
// Float, compared with a relative tolerance of 1e-6.

import XCTest

@testable import TrackerEngine

final class OptimizerTests: XCTestCase {
  func steps(_ optimizer: inout some Optimizer, _ grads: [[Float]]) -> [[Float]] {
    var p: [Float] = [1, -2]
    return grads.map { g in
      optimizer.step(&p, g)
      return p
    }
  }

  func assertClose(
    _ actual: [Float], _ expected: [Double], file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(actual.count, expected.count, file: file, line: line)
    for (a, e) in zip(actual, expected) {
      XCTAssertEqual(
        Double(a), e, accuracy: 1e-6 * max(1, abs(e)), "\(actual) vs \(expected)", file: file,
        line: line)
    }
  }

  func testSGD() {
    var sgd = SGD(lr: 0.1)
    let p = steps(&sgd, [[0.5, -1], [1, 2]])
    assertClose(p[0], [0.95, -1.9])  // 1 - 0.1·0.5;  -2 - 0.1·(-1)
    assertClose(p[1], [0.85, -2.1])  // 0.95 - 0.1·1;  -1.9 - 0.1·2
  }

  func testMomentum() {
    var momentum = Momentum(lr: 0.1, mu: 0.9)
    let p = steps(&momentum, [[0.5, -1], [1, 2], [0, 0]])
    // v = 0.9·0 - 0.1·[0.5, -1] = [-0.05, 0.1];  p = [0.95, -1.9]
    assertClose(p[0], [0.95, -1.9])
    // v = 0.9·[-0.05, 0.1] - 0.1·[1, 2] = [-0.145, -0.11];  p = [0.805, -2.01]
    assertClose(p[1], [0.805, -2.01])
    // g = 0: v = 0.9·v = [-0.1305, -0.099];  p = [0.6745, -2.109]
    assertClose(p[2], [0.6745, -2.109])
  }

  func testAdaGrad() {
    var adagrad = AdaGrad(lr: 0.1, theta: 0.75)
    let p = steps(&adagrad, [[0.5, -0.5], [0.75, 0]])
    // h = 0.75 + 0.25 = [1, 1];  p -= 0.1·g/1 → [0.95, -1.95]
    assertClose(p[0], [0.95, -1.95])
    // h = [1 + 0.5625, 1 + 0] = [1.5625, 1];  sqrt = [1.25, 1];
    // p -= 0.1·[0.75, 0]/[1.25, 1] = [0.06, 0] → [0.89, -1.95]  (h accumulates)
    assertClose(p[1], [0.89, -1.95])

    // With the default theta = 1e-4 the first step is lr·g/sqrt(1e-4 + g²):
    // 1 - 0.01·0.5/sqrt(0.2501) = 1 - 0.005/0.50009999 = 0.990002000...
    var defaults = AdaGrad(lr: 0.01, theta: 1e-4)
    assertClose(steps(&defaults, [[0.5, 0]])[0], [1 - 0.005 / 0.2501.squareRoot(), -2])
  }

  func testRMSProp() {
    var rmsprop = RMSProp(lr: 0.1, decayRate: 0.96)
    let p = steps(&rmsprop, [[0.5, -1], [0.5, 0]])
    // h = 0.96·0 + 0.04·[0.25, 1] = [0.01, 0.04];  sqrt = [0.1, 0.2]
    // p -= 0.1·[0.5, -1]/([0.1, 0.2] + 1e-7) = [0.4999995, -0.49999975]
    assertClose(p[0], [0.5000004999995, -1.500000249999875])
    // h = 0.96·[0.01, 0.04] + 0.04·[0.25, 0] = [0.0196, 0.0384];  sqrt(0.0196) = 0.14
    // p -= 0.1·[0.5, 0]/(0.14 + 1e-7) = [0.357142602..., 0]
    assertClose(p[1], [0.14285789795850146, -1.500000249999875])
  }

  func testAdam() {
    var adam = Adam(lr: 0.1, beta1: 0.9, beta2: 0.999)
    let p = steps(&adam, [[0.5, -1], [0.25, 0]])
    // t = 1: lr_t = 0.1·sqrt(1 - 0.999)/(1 - 0.9) = 0.0316227766
    // m = 0 + 0.1·(g - 0) = [0.05, -0.1];  v = 0 + 0.001·g² = [0.00025, 0.001]
    // p -= lr_t·m/(sqrt(v) + 1e-7) = 0.0316227766·[0.05/0.0158114883, -0.1/0.0316228766]
    //    ≈ [0.0999994, -0.0999997]
    assertClose(p[0], [0.900000632451532, -1.900000316226766])
    // t = 2: lr_t = 0.1·sqrt(1 - 0.999²)/(1 - 0.9²) = 0.1·0.0447102/0.19 = 0.0235316725
    // m = [0.05 + 0.1·(0.25 - 0.05), -0.1 + 0.1·(0 + 0.1)] = [0.07, -0.09]
    // v = [0.00025 + 0.001·(0.0625 - 0.00025), 0.001 + 0.001·(0 - 0.001)] = [0.00031225, 0.000999]
    // p -= lr_t·m/(sqrt(v) + 1e-7) = [0.0932174..., -0.0670056...]
    assertClose(p[1], [0.8067831960988963, -1.8329947028094913])
    XCTAssertEqual(adam.t, 2)
  }

  func testFactoryBuildsEachKind() {
    let settings = OptimizerSettings()
    for kind in OptimizerKind.allCases {
      var optimizer = makeOptimizer(kind, settings)
      var p: [Float] = [1, -2]
      optimizer.step(&p, [0.5, -1])
      XCTAssert(p[0] < 1 && p[1] > -2, "\(kind) moves against the gradient")
    }
  }
}
