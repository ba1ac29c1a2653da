// Preallocated activation and gradient buffers for up to `capacity` rows, each
// allocated once, where it is named, so a training iteration or an evaluation
// chunk allocates nothing. One workspace serves one thread at a time.

final class Workspace<T: NetScalar> {
  let capacity: Int
  // Per hidden layer l (each (capacity, width(l)) unless noted):
  /// Affine output.
  let affine: [UnsafeMutablePointer<T>]
  /// Batch norm: x - mean, (x - mean)/std, gamma·xn + beta, and std (width only).
  let centered: [UnsafeMutablePointer<T>]
  let normalized: [UnsafeMutablePointer<T>]
  let normalizedOut: [UnsafeMutablePointer<T>]
  let std: [UnsafeMutablePointer<T>]
  /// Activation output (the next layer's input).
  let act: [UnsafeMutablePointer<T>]
  /// Gradients: wrt the activation output, the activation input, the affine output.
  let dAct: [UnsafeMutablePointer<T>]
  let dPre: [UnsafeMutablePointer<T>]
  let dAffine: [UnsafeMutablePointer<T>]
  // Output layer, (capacity, classes) each:
  let logits: UnsafeMutablePointer<T>
  let probs: UnsafeMutablePointer<T>
  let dLogits: UnsafeMutablePointer<T>
  /// Per-feature temporaries (batch norm's statistics, a weight row's sums),
  /// 2·(widest layer).
  let scratch: UnsafeMutablePointer<T>
  /// 0, 1, 2, ...: the column list that makes a dense row look like a sparse one.
  let iota: UnsafeMutablePointer<UInt16>
  /// Scratch for a transposed dense weight matrix or layer input, and a row of
  /// zeros (widest layer).
  let transposed: UnsafeMutablePointer<T>
  let zeros: UnsafeMutablePointer<T>
  /// The first layer's partial sums in its two-pass forward, (capacity, width(0)).
  let partial: UnsafeMutablePointer<T>

  /// The first layer's input transposed, for its weight gradient (training only,
  /// so allocated on first use).
  private(set) lazy var columns = SparseColumns<T>(width: inputs, entryCapacity: capacity * inputs)

  private let inputs: Int
  /// The buffers above of type T, to free.
  private let owned: [UnsafeMutablePointer<T>]

  init(layout: NetworkLayout, capacity: Int) {
    precondition(capacity > 0, "workspace capacity must be positive")
    self.capacity = capacity
    inputs = layout.inputs
    var owned: [UnsafeMutablePointer<T>] = []
    /// A buffer of `count` zeros (at least one) starting on a cache line, as the
    /// parameters do (see `Network`).
    func take(_ count: Int) -> UnsafeMutablePointer<T> {
      let count = max(count, 1)
      let raw = UnsafeMutableRawPointer.allocate(
        byteCount: count * MemoryLayout<T>.stride, alignment: 64)
      let buffer = raw.bindMemory(to: T.self, capacity: count)
      buffer.initialize(repeating: 0, count: count)
      owned.append(buffer)
      return buffer
    }
    var affine: [UnsafeMutablePointer<T>] = []
    var (centered, normalized, normalizedOut, std) = (affine, affine, affine, affine)
    var (act, dAct, dPre, dAffine) = (affine, affine, affine, affine)
    for layer in layout.layers.dropLast() {
      let (n, h) = (capacity, layer.outputs)
      let bn = layer.gamma != nil
      affine.append(take(n * h))
      centered.append(take(bn ? n * h : 0))
      normalized.append(take(bn ? n * h : 0))
      normalizedOut.append(take(bn ? n * h : 0))
      std.append(take(bn ? h : 0))
      act.append(take(n * h))
      dAct.append(take(n * h))
      dPre.append(take(n * h))
      dAffine.append(take(bn ? n * h : 0))
    }
    (self.affine, self.centered, self.normalized, self.normalizedOut, self.std) =
      (affine, centered, normalized, normalizedOut, std)
    (self.act, self.dAct, self.dPre, self.dAffine) = (act, dAct, dPre, dAffine)
    let classes = layout.classes
    logits = take(capacity * classes)
    probs = take(capacity * classes)
    dLogits = take(capacity * classes)
    scratch = take(2 * layout.widest)
    transposed = take(
      layout.layers.dropFirst().map { $0.inputs * max($0.outputs, capacity) }.max() ?? 0)
    zeros = take(layout.widest)
    partial = take(capacity * layout.layers[0].outputs)
    let iotaCount = max(layout.widest, capacity)
    precondition(iotaCount <= Int(UInt16.max) + 1, "column indices are UInt16")
    iota = .allocate(capacity: iotaCount)
    for k in 0..<iotaCount { iota[k] = UInt16(truncatingIfNeeded: k) }
    self.owned = owned
  }

  deinit {
    for buffer in owned { buffer.deallocate() }
    iota.deallocate()
  }
}
