// MultiLayerNet as in "Deep Learning from Scratch" (common/multi_layer_net*.py):
// inputs -> hidden... -> classes, each hidden layer affine, [batch norm], activation;
// the output layer affine, then softmax with cross-entropy.
//
// All parameters live in one flat buffer `params` (and their gradients in `grads`,
// same layout) with a view (offset, count) per tensor, so zeroGrad is one fill and
// an optimizer step is one loop (llm.c's params_memory). Layout, per layer in
// order: W (inputs x outputs, row-major), b, then gamma and beta for batch norm;
// each tensor starts at a multiple of 8 values (the gaps stay 0, with gradient 0).
// The buffers are 64-byte aligned, which Swift arrays are not.

// MARK: - Layout

/// A tensor's place in the flat parameter buffer.
struct ParameterView: Equatable {
  let offset: Int
  let count: Int
}

struct LayerLayout {
  let inputs: Int
  let outputs: Int
  let weights: ParameterView
  let bias: ParameterView
  /// Batch-norm scale and shift (hidden layers only, when enabled).
  let gamma: ParameterView?
  let beta: ParameterView?
  /// Offset of this layer's running mean/variance in the batch-norm state.
  let statsOffset: Int
}

struct NetworkLayout {
  let layers: [LayerLayout]
  let parameterCount: Int
  let statsCount: Int
  let batchNorm: Bool
  var inputs: Int { layers[0].inputs }
  var classes: Int { layers[layers.count - 1].outputs }
  var hiddenCount: Int { layers.count - 1 }
  var widest: Int { layers.map { max($0.inputs, $0.outputs) }.max()! }

  init(inputs: Int, hidden: [Int], classes: Int, batchNorm: Bool) {
    precondition(
      inputs > 0 && classes > 0 && hidden.allSatisfy { $0 > 0 }, "layer sizes must be positive")
    var layers: [LayerLayout] = []
    var offset = 0
    var stats = 0
    // Each tensor starts at a multiple of 8 values (32 bytes), so in the 64-byte
    // aligned buffer a 40-wide weight row never puts an 8-wide load across two
    // cache lines (such split loads made the first layer 25% slower).
    func take(_ count: Int) -> ParameterView {
      offset = (offset + 7) / 8 * 8
      defer { offset += count }
      return ParameterView(offset: offset, count: count)
    }
    let sizes = [inputs] + hidden + [classes]
    for l in 0..<(sizes.count - 1) {
      let (i, o) = (sizes[l], sizes[l + 1])
      let normalized = batchNorm && l < hidden.count
      layers.append(
        LayerLayout(
          inputs: i, outputs: o, weights: take(i * o), bias: take(o),
          gamma: normalized ? take(o) : nil, beta: normalized ? take(o) : nil, statsOffset: stats))
      if normalized { stats += o }
    }
    self.layers = layers
    self.parameterCount = offset
    self.statsCount = stats
    self.batchNorm = batchNorm
  }
}

// MARK: - Network

final class Network<T: NetScalar> {
  let layout: NetworkLayout
  let activation: Activation
  /// Parameters and their gradients (layout above), 64-byte aligned, owned here.
  let params: UnsafeMutableBufferPointer<T>
  let grads: UnsafeMutableBufferPointer<T>
  /// Batch-norm running statistics (not parameters: updated by forward passes in
  /// training mode, used in inference mode). Start at 0, as in the book.
  var runningMean: [T]
  var runningVar: [T]

  init(layout: NetworkLayout, activation: Activation) {
    self.layout = layout
    self.activation = activation
    params = Self.alignedZeros(layout.parameterCount)
    grads = Self.alignedZeros(layout.parameterCount)
    runningMean = [T](repeating: 0, count: layout.statsCount)
    runningVar = [T](repeating: 0, count: layout.statsCount)
  }

  deinit {
    params.deallocate()
    grads.deallocate()
  }

  private static func alignedZeros(_ count: Int) -> UnsafeMutableBufferPointer<T> {
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: max(count, 1) * MemoryLayout<T>.stride, alignment: 64)
    let buffer = UnsafeMutableBufferPointer(
      start: raw.bindMemory(to: T.self, capacity: count), count: count)
    buffer.initialize(repeating: 0)
    return buffer
  }

  /// Weights ~ scale·N(0,1) drawn layer by layer, each W in row-major order (as
  /// np.random.randn(inputs, outputs)); biases and beta 0; gamma 1.
  func initialize(_ weightInit: WeightInit, _ rng: inout TrackerRandom) {
    for layer in layout.layers {
      let scale = weightInit.scale(fanIn: layer.inputs)
      for k in 0..<layer.weights.count {
        params[layer.weights.offset + k] = T(scale * rng.normal())
      }
      for k in 0..<layer.bias.count { params[layer.bias.offset + k] = 0 }
      if let gamma = layer.gamma, let beta = layer.beta {
        for k in 0..<gamma.count { params[gamma.offset + k] = 1 }
        for k in 0..<beta.count { params[beta.offset + k] = 0 }
      }
    }
  }

  /// Copies the parameters and running statistics of `other` (same layout): a
  /// snapshot that evaluation threads read while training changes `other`.
  func copyState(from other: Network<T>) {
    precondition(other.params.count == params.count && other.runningMean.count == runningMean.count)
    _ = params.update(fromContentsOf: other.params)
    runningMean.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: other.runningMean) }
    runningVar.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: other.runningVar) }
  }

  func zeroGrad() {
    grads.update(repeating: 0)
  }

  // MARK: Forward

  /// Runs `rows` of `x` through the network into `ws.logits` (rows 0..<rows.count).
  /// Training mode normalizes with batch statistics and updates the running ones;
  /// inference mode uses the running ones, and then each row's result depends only
  /// on that row. Inference only reads the network, so evaluation threads may run
  /// it at the same time (each with its own workspace).
  func forward(_ x: SparseRows<T>, rows: Range<Int>, _ ws: Workspace<T>, training: Bool) {
    precondition(rows.count <= ws.capacity, "workspace too small for \(rows.count) rows")
    if training {
      runningMean.withUnsafeMutableBufferPointer { mean in
        runningVar.withUnsafeMutableBufferPointer { variance in
          forward(
            x, rows: rows, ws, runningMean: mean.baseAddress, runningVar: variance.baseAddress,
            training: true)
        }
      }
    } else {
      runningMean.withUnsafeBufferPointer { mean in
        runningVar.withUnsafeBufferPointer { variance in
          forward(
            x, rows: rows, ws,
            runningMean: mean.baseAddress.map(UnsafeMutablePointer.init(mutating:)),
            runningVar: variance.baseAddress.map(UnsafeMutablePointer.init(mutating:)),
            training: false)
        }
      }
    }
  }

  /// `forward`, given the running statistics (written in training mode only; nil
  /// without batch norm).
  private func forward(
    _ x: SparseRows<T>, rows: Range<Int>, _ ws: Workspace<T>, runningMean: UnsafeMutablePointer<T>?,
    runningVar: UnsafeMutablePointer<T>?, training: Bool
  ) {
    let n = rows.count
    let p = UnsafePointer(params.baseAddress!)
    for (l, layer) in layout.layers.enumerated() {
      let hidden = l < layout.hiddenCount
      let o = layer.outputs
      let out = hidden ? ws.affine[l] : ws.logits
      let w = p + layer.weights.offset
      let b = p + layer.bias.offset
      if l == 0 && x.rowSplit != nil {
        sparseAffineForwardSplit(out, x, rows: rows, w, b, o: o, partial: ws.partial)
      } else if l == 0 {
        sparseAffineForward(out, x, rows: rows, w, b, o: o)
      } else {
        denseAffineForward(out, ws.act[l - 1], w, b, iota: ws.iota, n: n, i: layer.inputs, o: o)
      }
      guard hidden else { continue }
      var pre = UnsafePointer(out)
      if let gamma = layer.gamma, let beta = layer.beta {
        let mean = runningMean! + layer.statsOffset
        let variance = runningVar! + layer.statsOffset
        if training {
          batchNormForwardTraining(
            ws.normalizedOut[l], ws.centered[l], ws.normalized[l], ws.std[l], mean, variance,
            ws.scratch, out, p + gamma.offset, p + beta.offset, n: n, h: o)
        } else {
          batchNormForwardInference(
            ws.normalizedOut[l], out, p + gamma.offset, p + beta.offset, mean, variance, n: n,
            h: o)
        }
        pre = UnsafePointer(ws.normalizedOut[l])
      }
      activationForward(ws.act[l], pre, count: n * o, activation)
    }
  }

  /// Softmax + cross-entropy of `ws.logits` (n rows) against `labels`; fills `ws.probs`.
  /// (`epsilon` is the book's 1e-7 inside the log; the gradient check sets it to 0.)
  func loss(labels: UnsafePointer<UInt8>, n: Int, _ ws: Workspace<T>, epsilon: T = T(1e-7))
    -> Double
  {
    softmaxCrossEntropyForward(
      ws.probs, ws.logits, labels, n: n, classes: layout.classes, epsilon: epsilon)
  }

  // MARK: Backward

  /// Accumulates into `grads` the gradient of the mean loss, after `forward` in
  /// training mode and `loss` on all rows of `x`, with the same workspace.
  func backward(_ x: SparseRows<T>, labels: UnsafePointer<UInt8>, _ ws: Workspace<T>) {
    let n = x.count
    softmaxCrossEntropyBackward(ws.dLogits, ws.probs, labels, n: n, classes: layout.classes)
    let p = UnsafePointer(params.baseAddress!)
    let g = grads.baseAddress!
    for l in stride(from: layout.layers.count - 1, through: 0, by: -1) {
      let layer = layout.layers[l]
      let o = layer.outputs
      var dout = UnsafePointer(ws.dLogits)
      if l < layout.hiddenCount {
        // dAct(l) was written by the layer above; back through the activation,
        // then batch norm, to the gradient of this layer's affine output.
        let pre = layer.gamma == nil ? ws.affine[l] : ws.normalizedOut[l]
        activationBackward(ws.dPre[l], ws.dAct[l], ws.act[l], pre, count: n * o, activation)
        dout = UnsafePointer(ws.dPre[l])
        if let gamma = layer.gamma, let beta = layer.beta {
          batchNormBackward(
            ws.dAffine[l], g + gamma.offset, g + beta.offset, ws.scratch, ws.dPre[l],
            ws.centered[l],
            ws.normalized[l], ws.std[l], p + gamma.offset, n: n, h: o)
          dout = UnsafePointer(ws.dAffine[l])
        }
      }
      let dw = g + layer.weights.offset
      let db = g + layer.bias.offset
      if l == 0 {
        ws.columns.transpose(x)
        sparseAffineBackward(dw, db, dout, ws.columns, sums: ws.scratch, zeros: ws.zeros, o: o)
      } else {
        denseAffineBackward(
          ws.dAct[l - 1], dw, db, dout, ws.act[l - 1], p + layer.weights.offset,
          t: ws.transposed,
          sums: ws.scratch, zeros: ws.zeros, iota: ws.iota, n: n, i: layer.inputs, o: o)
      }
    }
  }
}
