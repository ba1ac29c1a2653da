// Preallocated activation and gradient buffers for up to `capacity` rows, carved
// out of one allocation, so a training iteration or an evaluation chunk allocates
// nothing. One workspace serves one thread at a time.

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
  private let arena: UnsafeMutablePointer<T>
  private let iotaCount: Int

  init(layout: NetworkLayout, capacity: Int) {
    precondition(capacity > 0, "workspace capacity must be positive")
    self.capacity = capacity
    inputs = layout.inputs
    var sizes: [Int] = []
    for layer in layout.layers.dropLast() {
      let h = layer.outputs
      let bn = layer.gamma != nil
      // affine, centered, normalized, normalizedOut, std, act, dAct, dPre, dAffine
      sizes += [
        capacity * h, bn ? capacity * h : 0, bn ? capacity * h : 0, bn ? capacity * h : 0,
        bn ? h : 0,
      ]
      sizes += [capacity * h, capacity * h, capacity * h, bn ? capacity * h : 0]
    }
    let classes = layout.classes
    let transposeSize =
      layout.layers.dropFirst().map { $0.inputs * max($0.outputs, capacity) }.max() ?? 0
    sizes += [capacity * classes, capacity * classes, capacity * classes, 2 * layout.widest]
    sizes += [transposeSize, layout.widest, capacity * layout.layers[0].outputs]
    let total = sizes.reduce(0, +)
    arena = .allocate(capacity: total)
    arena.initialize(repeating: 0, count: total)
    var pointers = [UnsafeMutablePointer<T>]()
    var cursor = arena
    for size in sizes {
      pointers.append(cursor)
      cursor += size
    }
    var k = 0
    func next() -> UnsafeMutablePointer<T> {
      defer { k += 1 }
      return pointers[k]
    }
    var affine = [UnsafeMutablePointer<T>]()
    var centered = affine
    var normalized = affine
    var normalizedOut = affine
    var std = affine
    var act = affine
    var dAct = affine
    var dPre = affine
    var dAffine = affine
    for _ in layout.layers.dropLast() {
      affine.append(next())
      centered.append(next())
      normalized.append(next())
      normalizedOut.append(next())
      std.append(next())
      act.append(next())
      dAct.append(next())
      dPre.append(next())
      dAffine.append(next())
    }
    (self.affine, self.centered, self.normalized, self.normalizedOut, self.std) =
      (affine, centered, normalized, normalizedOut, std)
    (self.act, self.dAct, self.dPre, self.dAffine) = (act, dAct, dPre, dAffine)
    logits = next()
    probs = next()
    dLogits = next()
    scratch = next()
    transposed = next()
    zeros = next()
    partial = next()
    iotaCount = max(layout.widest, capacity)
    precondition(iotaCount <= Int(UInt16.max) + 1, "column indices are UInt16")
    iota = .allocate(capacity: iotaCount)
    for k in 0..<iotaCount { iota[k] = UInt16(truncatingIfNeeded: k) }
  }

  deinit {
    arena.deallocate()
    iota.deallocate()
  }
}
