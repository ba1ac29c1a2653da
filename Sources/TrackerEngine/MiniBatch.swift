// What the training loop reads, converted to the engine's sparse rows: a mini-batch
// drawn afresh every iteration into buffers allocated once, and the test set,
// converted once.

// MARK: - MiniBatch

/// `size` training images drawn uniformly with replacement, as sparse rows, and
/// their labels. `draw` refills the same storage, so an iteration allocates nothing.
final class MiniBatch {
  let size: Int
  let rows: SparseRows<Float>
  let labels: UnsafeMutablePointer<UInt8>
  private let indices: UnsafeMutablePointer<Int>

  init(size: Int, width: Int) {
    self.size = size
    rows = SparseRows(rowCapacity: size, entryCapacity: size * width, width: width)
    labels = .allocate(capacity: size)
    indices = .allocate(capacity: size)
  }

  deinit {
    labels.deallocate()
    indices.deallocate()
  }

  /// The next batch of `data`'s training set: `size` indices from `rng`, in order.
  func draw(from data: Dataset, _ rng: inout TrackerRandom) {
    for b in 0..<size {
      indices[b] = rng.uniform(below: data.trainCount)
      labels[b] = data.trainLabels[indices[b]]
    }
    rows.removeAll()
    data.trainImages.withUnsafeBufferPointer {
      rows.append(images: $0.baseAddress!, indices: indices, count: size)
    }
  }
}

// MARK: - TestSet

/// The test set as sparse rows split at the middle column (for the first layer's
/// two-pass forward), with its own copy of the labels, so that evaluation jobs on
/// worker threads can read both for as long as the set lives.
final class TestSet: @unchecked Sendable {
  let rows: SparseRows<Float>
  let labels: UnsafeMutablePointer<UInt8>

  // (@unchecked Sendable: built by one thread, then only read.)

  init(_ data: Dataset) {
    let width = data.pixelsPerImage
    rows = data.testImages.withUnsafeBufferPointer { SparseRows(images: $0, width: width) }
    rows.split(at: width / 2)
    labels = .allocate(capacity: data.testCount)
    _ = UnsafeMutableBufferPointer(start: labels, count: data.testCount).initialize(
      fromContentsOf: data.testLabels)
  }

  deinit {
    labels.deallocate()
  }
}
