// The element-wise and per-feature layers, each a forward/backward pair following
// "Deep Learning from Scratch" (common/layers.py: Sigmoid, Relu,
// BatchNormalization, SoftmaxWithLoss). Arguments: outputs, then inputs, then
// sizes. Gradients of parameters accumulate (`+=`); gradients of activations are
// overwritten (each buffer is written exactly once per backward pass).

// MARK: - Activations

/// sigmoid: z = 1 / (1 + exp(-a));  relu: z = a > 0 ? a : 0      a,z:(count)
/// (Float uses the vectorized exp of FastExp.swift, other types their own exp.)
func activationForward<T: NetScalar>(
  _ z: UnsafeMutablePointer<T>, _ a: UnsafePointer<T>, count: Int, _ kind: Activation
) {
  switch kind {
  case .sigmoid where T.self == Float.self:
    sigmoid(
      UnsafeMutableRawPointer(z).assumingMemoryBound(to: Float.self),
      UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), count: count)
  case .sigmoid:
    for k in 0..<count { z[k] = 1 / (1 + T.exp(-a[k])) }
  case .relu:
    for k in 0..<count { z[k] = a[k] > 0 ? a[k] : 0 }
  }
}

/// sigmoid: da = dz·(1 - z)·z;  relu: da = a > 0 ? dz : 0 (0 at a = 0, as the
/// book's `x <= 0` mask)       dz,z,a,da:(count)
func activationBackward<T: NetScalar>(
  _ da: UnsafeMutablePointer<T>, _ dz: UnsafePointer<T>, _ z: UnsafePointer<T>,
  _ a: UnsafePointer<T>, count: Int, _ kind: Activation
) {
  switch kind {
  case .sigmoid:
    for k in 0..<count { da[k] = dz[k] * (1 - z[k]) * z[k] }
  case .relu:
    for k in 0..<count { da[k] = a[k] > 0 ? dz[k] : 0 }
  }
}

// MARK: - Batch normalization

/// The book's epsilon, written there as `10e-7` (= 1e-6) and added to the variance.
let batchNormEpsilon = 10e-7
/// Running statistics: running = momentum·running + (1 - momentum)·batch.
let batchNormMomentum = 0.9

/// Training mode, per feature j over the batch:
/// mu = mean(x); xc = x - mu; var = mean(xc²); std = sqrt(var + 10e-7); xn = xc / std;
/// out = gamma·xn + beta; running mean/var ← 0.9·running + 0.1·(mu, var).
///     x,xc,xn,out:(n,h)  std,gamma,beta,runningMean,runningVar:(h)  scratch:(h)
func batchNormForwardTraining<T: NetScalar>(
  _ out: UnsafeMutablePointer<T>, _ xc: UnsafeMutablePointer<T>, _ xn: UnsafeMutablePointer<T>,
  _ std: UnsafeMutablePointer<T>, _ runningMean: UnsafeMutablePointer<T>,
  _ runningVar: UnsafeMutablePointer<T>, _ scratch: UnsafeMutablePointer<T>,
  _ x: UnsafePointer<T>, _ gamma: UnsafePointer<T>, _ beta: UnsafePointer<T>, n: Int, h: Int
) {
  let count = T(n)
  let mean = scratch
  mean.update(repeating: 0, count: h)
  for r in 0..<n {
    for j in 0..<h { mean[j] += x[r * h + j] }
  }
  for j in 0..<h { mean[j] /= count }
  std.update(repeating: 0, count: h)  // holds the variance until the last step
  for r in 0..<n {
    for j in 0..<h {
      let c = x[r * h + j] - mean[j]
      xc[r * h + j] = c
      std[j] += c * c
    }
  }
  let m = T(batchNormMomentum)
  for j in 0..<h {
    let variance = std[j] / count
    runningMean[j] = m * runningMean[j] + (1 - m) * mean[j]
    runningVar[j] = m * runningVar[j] + (1 - m) * variance
    std[j] = (variance + T(batchNormEpsilon)).squareRoot()
  }
  for r in 0..<n {
    for j in 0..<h {
      let normalized = xc[r * h + j] / std[j]
      xn[r * h + j] = normalized
      out[r * h + j] = gamma[j] * normalized + beta[j]
    }
  }
}

/// Inference mode: out = gamma·(x - runningMean) / sqrt(runningVar + 10e-7) + beta
///     x,out:(n,h)  gamma,beta,runningMean,runningVar:(h)
func batchNormForwardInference<T: NetScalar>(
  _ out: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, _ gamma: UnsafePointer<T>,
  _ beta: UnsafePointer<T>, _ runningMean: UnsafePointer<T>, _ runningVar: UnsafePointer<T>,
  n: Int, h: Int
) {
  for r in 0..<n {
    for j in 0..<h {
      let normalized =
        (x[r * h + j] - runningMean[j]) / (runningVar[j] + T(batchNormEpsilon)).squareRoot()
      out[r * h + j] = gamma[j] * normalized + beta[j]
    }
  }
}

/// The book's backward, per feature j:
/// dbeta += Σ dout; dgamma += Σ xn·dout; dxn = gamma·dout; dxc = dxn / std;
/// dstd = -Σ dxn·xc / std²; dvar = 0.5·dstd / std; dxc += (2/n)·xc·dvar;
/// dmu = Σ dxc; dx = dxc - dmu / n.
///     dx,dout,xc,xn:(n,h)  dgamma,dbeta,gamma,std:(h)  scratch:(2h)
func batchNormBackward<T: NetScalar>(
  _ dx: UnsafeMutablePointer<T>, _ dgamma: UnsafeMutablePointer<T>,
  _ dbeta: UnsafeMutablePointer<T>,
  _ scratch: UnsafeMutablePointer<T>, _ dout: UnsafePointer<T>, _ xc: UnsafePointer<T>,
  _ xn: UnsafePointer<T>, _ std: UnsafePointer<T>, _ gamma: UnsafePointer<T>, n: Int, h: Int
) {
  let count = T(n)
  let dvar = scratch
  let dmu = scratch + h
  dvar.update(repeating: 0, count: h)  // holds dstd until converted below
  dmu.update(repeating: 0, count: h)
  for r in 0..<n {
    for j in 0..<h {
      let g = dout[r * h + j]
      dbeta[j] += g
      dgamma[j] += xn[r * h + j] * g
      let dxn = gamma[j] * g
      dvar[j] -= dxn * xc[r * h + j] / (std[j] * std[j])
    }
  }
  for j in 0..<h { dvar[j] = T(0.5) * dvar[j] / std[j] }
  for r in 0..<n {
    for j in 0..<h {
      let dxc = gamma[j] * dout[r * h + j] / std[j] + (2 / count) * xc[r * h + j] * dvar[j]
      dx[r * h + j] = dxc
      dmu[j] += dxc
    }
  }
  for r in 0..<n {
    for j in 0..<h { dx[r * h + j] -= dmu[j] / count }
  }
}

// MARK: - Softmax with cross-entropy loss

/// y(n,c) = softmax(x(n,·))(c) (max subtracted first); returns
/// loss = (1/n) Σ_n -log(y(n, label(n)) + epsilon), summed in Double. The book's
/// epsilon is 1e-7; the gradient check passes 0, so that forward and backward
/// describe exactly the same function.     x,y:(n,classes) labels:(n)
func softmaxCrossEntropyForward<T: NetScalar>(
  _ y: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, _ labels: UnsafePointer<UInt8>,
  n: Int, classes: Int, epsilon: T = T(1e-7)
) -> Double {
  var total = 0.0
  for r in 0..<n {
    let row = x + r * classes
    let out = y + r * classes
    var largest = row[0]
    for c in 1..<classes where row[c] > largest { largest = row[c] }
    var sum: T = 0
    for c in 0..<classes {
      out[c] = T.exp(row[c] - largest)
      sum += out[c]
    }
    for c in 0..<classes { out[c] /= sum }
    total += Double(-T.log(out[Int(labels[r])] + epsilon))
  }
  return total / Double(n)
}

/// dx(n,c) = (y(n,c) - [c == label(n)]) / n   (the gradient of the mean loss; the
/// 1e-7 inside the log is ignored, as in the book)     y,dx:(n,classes) labels:(n)
func softmaxCrossEntropyBackward<T: NetScalar>(
  _ dx: UnsafeMutablePointer<T>, _ y: UnsafePointer<T>, _ labels: UnsafePointer<UInt8>,
  n: Int, classes: Int
) {
  let count = T(n)
  for r in 0..<n {
    for c in 0..<classes {
      let target: T = c == Int(labels[r]) ? 1 : 0
      dx[r * classes + c] = (y[r * classes + c] - target) / count
    }
  }
}

/// The index of the largest of x(0..<count), the first one on ties (as np.argmax).
@inline(__always)
func argmax<T: NetScalar>(_ x: UnsafePointer<T>, count: Int) -> Int {
  // Selects rather than branches (a branch on which class is largest mispredicts
  // about once per row).
  var best = 0
  var largest = x[0]
  for c in 1..<count {
    let larger = x[c] > largest
    best = larger ? c : best
    largest = larger ? x[c] : largest
  }
  return best
}
