// The five optimizers of the reference notebook, one small type each, ordered by
// complexity. Each updates the whole flat parameter buffer in one loop; state
// buffers are created (zeroed, or theta for AdaGrad) on the first step, when the
// parameter count is known. Hyperparameters are checked at init (programmer
// errors: `TrainingConfig.validate()` has already rejected bad user input).
// Arithmetic is Float, as the network's; Adam's bias-corrected rate is a scalar
// computed in Double once per step and then rounded to Float; constants such as
// 1 - beta1 are likewise computed in Double and rounded once.
//
// `h.magnitude.squareRoot()` where h >= 0 anyway: Float.squareRoot() on Linux is
// C's sqrtf, which may set errno, so LLVM guards every call with a branch and
// will not vectorize the loop; taking the magnitude first proves the argument
// non-negative, and the loop becomes vsqrtps (checked in the assembly).

import Foundation

protocol Optimizer {
  /// Updates `p` in place from the gradients `g` (same count).
  mutating func step(_ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>)
}

extension Optimizer {
  /// The same on arrays (tests).
  mutating func step(_ params: inout [Float], _ grads: [Float]) {
    params.withUnsafeMutableBufferPointer { p in
      grads.withUnsafeBufferPointer { g in step(p, g) }
    }
  }
}

/// p -= lr·g
struct SGD: Optimizer {
  let lr: Float
  init(lr: Double) {
    precondition(lr > 0 && lr.isFinite)
    self.lr = Float(lr)
  }
  mutating func step(_ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>) {
    for k in 0..<p.count { p[k] -= lr * g[k] }
  }
}

/// v = mu·v - lr·g; p += v     (v starts at 0)
struct Momentum: Optimizer {
  let lr: Float
  let mu: Float
  private var v: [Float] = []
  init(lr: Double, mu: Double) {
    precondition(lr > 0 && lr.isFinite && mu >= 0 && mu < 1)
    (self.lr, self.mu) = (Float(lr), Float(mu))
  }
  mutating func step(_ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>) {
    if v.isEmpty { v = [Float](repeating: 0, count: p.count) }
    v.withUnsafeMutableBufferPointer { v in
      for k in 0..<p.count {
        v[k] = mu * v[k] - lr * g[k]
        p[k] += v[k]
      }
    }
  }
}

/// Textbook AdaGrad: h += g²; p -= lr·g / sqrt(h)     (h starts at theta, so no
/// epsilon is needed). Not the notebook's cell, which sets h = g² each step.
struct AdaGrad: Optimizer {
  let lr: Float
  let theta: Float
  private var h: [Float] = []
  init(lr: Double, theta: Double) {
    precondition(lr > 0 && lr.isFinite && theta > 0 && theta.isFinite)
    (self.lr, self.theta) = (Float(lr), Float(theta))
  }
  mutating func step(_ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>) {
    if h.isEmpty { h = [Float](repeating: theta, count: p.count) }
    h.withUnsafeMutableBufferPointer { h in
      for k in 0..<p.count {
        h[k] += g[k] * g[k]
        p[k] -= lr * g[k] / h[k].magnitude.squareRoot()
      }
    }
  }
}

/// h = rho·h + (1 - rho)·g²; p -= lr·g / (sqrt(h) + 1e-7)     (h starts at 0)
struct RMSProp: Optimizer {
  let lr: Float
  let rho: Float
  let oneMinusRho: Float
  private var h: [Float] = []
  init(lr: Double, decayRate: Double) {
    precondition(lr > 0 && lr.isFinite && decayRate >= 0 && decayRate < 1)
    (self.lr, self.rho, self.oneMinusRho) = (Float(lr), Float(decayRate), Float(1 - decayRate))
  }
  mutating func step(_ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>) {
    if h.isEmpty { h = [Float](repeating: 0, count: p.count) }
    h.withUnsafeMutableBufferPointer { h in
      for k in 0..<p.count {
        h[k] = rho * h[k] + oneMinusRho * g[k] * g[k]
        p[k] -= lr * g[k] / (h[k].magnitude.squareRoot() + 1e-7)
      }
    }
  }
}

/// t += 1 (from 1); lr_t = lr·sqrt(1 - beta2^t) / (1 - beta1^t);
/// m += (1 - beta1)·(g - m); v += (1 - beta2)·(g² - v); p -= lr_t·m / (sqrt(v) + 1e-7)
/// (m, v start at 0)
struct Adam: Optimizer {
  let lr: Double
  let beta1: Double
  let beta2: Double
  private(set) var t = 0
  private var m: [Float] = []
  private var v: [Float] = []
  init(lr: Double, beta1: Double, beta2: Double) {
    precondition(lr > 0 && lr.isFinite && (0..<1).contains(beta1) && (0..<1).contains(beta2))
    (self.lr, self.beta1, self.beta2) = (lr, beta1, beta2)
  }
  mutating func step(_ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>) {
    if m.isEmpty {
      m = [Float](repeating: 0, count: p.count)
      v = m
    }
    t += 1
    let lrt = Float(lr * (1 - pow(beta2, Double(t))).squareRoot() / (1 - pow(beta1, Double(t))))
    let (c1, c2) = (Float(1 - beta1), Float(1 - beta2))
    m.withUnsafeMutableBufferPointer { m in
      v.withUnsafeMutableBufferPointer { v in
        for k in 0..<p.count {
          m[k] += c1 * (g[k] - m[k])
          v[k] += c2 * (g[k] * g[k] - v[k])
          p[k] -= lrt * m[k] / (v[k].magnitude.squareRoot() + 1e-7)
        }
      }
    }
  }
}

/// The optimizer a configuration asks for.
func makeOptimizer(_ kind: OptimizerKind, _ s: OptimizerSettings) -> any Optimizer {
  switch kind {
  case .sgd: return SGD(lr: s.lr)
  case .momentum: return Momentum(lr: s.lr, mu: s.momentum)
  case .adagrad: return AdaGrad(lr: s.lr, theta: s.adagradTheta)
  case .rmsprop: return RMSProp(lr: s.lr, decayRate: s.decayRate)
  case .adam: return Adam(lr: s.lr, beta1: s.beta1, beta2: s.beta2)
  }
}
