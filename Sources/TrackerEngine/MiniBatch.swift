// What the training loop reads, converted to the engine's sparse rows: a mini-batch
// drawn afresh every iteration into buffers allocated once, and the test set (and
// the validation set held out of the training set), converted once.

// MARK: - MiniBatch

/// `size` training images drawn uniformly with replacement, as sparse rows, and
/// their labels. `draw` refills the same storage, so an iteration allocates nothing.
final class MiniBatch {
  let size: Int
  let rows: SparseRows<Float>
  let labels: UnsafeMutablePointer<UInt8>
  /// The training images of the batch, by index (tests check the split with them).
  let indices: UnsafeMutablePointer<Int>

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

  /// The next batch of `data`'s training set: `size` indices from `rng`, in order,
  /// each below `pool`, so the training images after the first `pool` (the
  /// validation set) are never drawn. With `pool == data.trainCount` this is the
  /// same stream of draws as before validation sets existed.
  func draw(from data: Dataset, pool: Int, _ rng: inout TrackerRandom) {
    for b in 0..<size {
      indices[b] = rng.uniform(below: pool)
      labels[b] = data.trainLabels[indices[b]]
    }
    rows.removeAll()
    data.trainImages.withUnsafeBufferPointer {
      rows.append(images: $0.baseAddress!, indices: indices, count: size)
    }
  }
}

// MARK: - TestSet

/// A set of images to evaluate on (the test set, or the validation set), as sparse
/// rows split at the middle column (for the first layer's two-pass forward), with
/// its own copy of the labels, so that evaluation jobs on worker threads can read
/// both for as long as the set lives.
final class TestSet: @unchecked Sendable {
  let rows: SparseRows<Float>
  let labels: UnsafeMutablePointer<UInt8>
  var count: Int { rows.count }

  // (@unchecked Sendable: built by one thread, then only read.)

  /// The test set.
  convenience init(_ data: Dataset) {
    self.init(data.testImages, data.testLabels[...], width: data.pixelsPerImage)
  }

  /// The validation set: the last `validation` images of the training set. Fixed
  /// and independent of the seed, so every run with the same `validation` holds
  /// out the same images (the first `trainCount - validation` are trained on).
  convenience init(heldOutOf data: Dataset, validation: Int) {
    let first = data.trainCount - validation
    let width = data.pixelsPerImage
    self.init(
      data.trainImages, data.trainLabels[first...], width: width, from: first * width)
  }

  /// One image of `images` per label, starting at byte `offset`.
  private init(_ images: Bytes, _ labelSlice: ArraySlice<UInt8>, width: Int, from offset: Int = 0) {
    let count = labelSlice.count
    rows = images.withUnsafeBufferPointer {
      SparseRows(
        images: UnsafeBufferPointer(rebasing: $0[offset..<(offset + count * width)]), width: width)
    }
    rows.split(at: width / 2)
    labels = .allocate(capacity: count)
    _ = UnsafeMutableBufferPointer(start: labels, count: count).initialize(
      fromContentsOf: labelSlice)
  }

  deinit {
    labels.deallocate()
  }
}
