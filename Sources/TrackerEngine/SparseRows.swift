// The number type the network is generic over, and compressed sparse rows of
// input images. Training uses Float; tests run the very same code in Double to
// check gradients against finite differences.
//
// About 81% of MNIST pixels are zero, so the first layer (about 80% of all work)
// multiplies only the non-zero pixels: each image becomes a list of (UInt16 column,
// value) pairs, built once for the test set and per iteration for the mini-batch.

import Foundation

// MARK: - Scalar

/// A floating-point type the network can run in: Float (training) or Double (tests).
/// (Codable because SIMDScalar's storage types require it of their scalar.)
protocol NetScalar: BinaryFloatingPoint, SIMDScalar, Sendable, Codable {
  static func exp(_ x: Self) -> Self
  static func log(_ x: Self) -> Self
}

extension Float: NetScalar {
  static func exp(_ x: Float) -> Float { Foundation.exp(x) }
  static func log(_ x: Float) -> Float { Foundation.log(x) }
}

extension Double: NetScalar {
  static func exp(_ x: Double) -> Double { Foundation.exp(x) }
  static func log(_ x: Double) -> Double { Foundation.log(x) }
}

// MARK: - SparseRows

/// Images as compressed sparse rows: row r's non-zero pixels are entries
/// `rowStart[r]..<rowStart[r+1]`, with column `columns[k]` and value `values[k]`
/// (the pixel / 255). Storage is allocated once, for `rowCapacity` rows and
/// `entryCapacity` entries; `removeAll` + `append` refill it without allocating.
final class SparseRows<T: NetScalar> {
  let rowCapacity: Int
  let entryCapacity: Int
  let width: Int
  private(set) var count = 0
  let rowStart: UnsafeMutablePointer<Int>
  let columns: UnsafeMutablePointer<UInt16>
  let values: UnsafeMutablePointer<T>
  /// `pixelValue[p]` = T(p) / 255, so every image converts the same way.
  private let pixelValue: UnsafeMutablePointer<T>
  /// After `split(at: column)`: row r's entries with columns below `column` are
  /// `rowStart[r]..<rowSplit[r]`, the others `rowSplit[r]..<rowStart[r+1]`.
  private(set) var rowSplit: UnsafeMutablePointer<Int>?

  init(rowCapacity: Int, entryCapacity: Int, width: Int) {
    precondition(width <= Dataset.maximumPixelsPerImage, "column indices are UInt16")
    self.rowCapacity = rowCapacity
    self.entryCapacity = entryCapacity
    self.width = width
    rowStart = .allocate(capacity: rowCapacity + 1)
    rowStart[0] = 0
    columns = .allocate(capacity: entryCapacity + 8)
    values = .allocate(capacity: entryCapacity + 8)
    pixelValue = .allocate(capacity: 256)
    for p in 0..<256 { pixelValue[p] = T(p) / T(255) }
  }

  /// All `count` images of `images` (row-major, `width` bytes each). Room is
  /// reserved for every pixel rather than counted first: a large allocation is
  /// mapped lazily, so the pages that hold no entries are never touched.
  convenience init(images: UnsafeBufferPointer<UInt8>, width: Int) {
    let rows = images.count / width
    self.init(rowCapacity: rows, entryCapacity: rows * width, width: width)
    for r in 0..<rows { append(image: images.baseAddress! + r * width) }
  }

  deinit {
    rowSplit?.deallocate()
    rowStart.deallocate()
    columns.deallocate()
    values.deallocate()
    pixelValue.deallocate()
  }

  func removeAll() {
    precondition(rowSplit == nil, "split rows are not refilled")
    count = 0
  }

  /// Records where each row's columns reach `column` (see `rowSplit`), for the
  /// first layer's two-pass forward (`sparseAffineForwardSplit`).
  func split(at column: Int) {
    if rowSplit == nil { rowSplit = .allocate(capacity: max(count, 1)) }
    for r in 0..<count {
      var k = rowStart[r]
      while k < rowStart[r + 1] && Int(columns[k]) < column { k += 1 }
      rowSplit![r] = k
    }
  }

  /// Appends images `indices[0..<count]` of `images` (row-major, `width` bytes
  /// each). A mini-batch is scattered over 47 MB, so first one byte of every cache
  /// line of every image is read: those loads are independent, so the processor
  /// overlaps their cache misses instead of taking them one after another, and the
  /// conversion that follows finds the images in cache.
  func append(images: UnsafePointer<UInt8>, indices: UnsafePointer<Int>, count: Int) {
    var touched: UInt8 = 0
    for b in 0..<count {
      let image = images + indices[b] * width
      for offset in stride(from: 0, to: width, by: 64) { touched |= image[offset] }
      touched |= image[width - 1]
    }
    sink = touched
    for b in 0..<count { append(image: images + indices[b] * width) }
  }

  /// Where `append(images:indices:count:)` leaves what it read, so that the
  /// compiler keeps the reads.
  private(set) var sink: UInt8 = 0

  /// Appends one image of `width` bytes. Precondition: capacity remains.
  func append(image: UnsafePointer<UInt8>) {
    precondition(count < rowCapacity, "SparseRows row capacity exceeded")
    var k = rowStart[count]
    precondition(
      entryCapacity - k >= width || entryCapacity - k >= nonZeroCount(image),
      "SparseRows entry capacity exceeded")
    // Eight pixels at a time: a word of zeros (MNIST's borders) is skipped; in any
    // other word all eight pixels are written at k, k+1, ... and k advances past
    // the non-zero ones only. No branch depends on the pixel values, which a
    // branch per non-zero pixel would mispredict all the time. (The storage has 8
    // entries of slack for what is written past the last non-zero pixel.)
    let (columns, values, table) = (self.columns, self.values, pixelValue)
    var c = 0
    while c + 8 <= width {
      if UnsafeRawPointer(image + c).loadUnaligned(as: UInt64.self) != 0 {
        for b in 0..<8 {
          let pixel = image[c + b]
          columns[k] = UInt16(truncatingIfNeeded: c + b)
          values[k] = table[Int(pixel)]
          k += pixel == 0 ? 0 : 1
        }
      }
      c += 8
    }
    for column in c..<width where image[column] != 0 {
      columns[k] = UInt16(truncatingIfNeeded: column)
      values[k] = table[Int(image[column])]
      k += 1
    }
    count += 1
    rowStart[count] = k
  }

  private func nonZeroCount(_ image: UnsafePointer<UInt8>) -> Int {
    var n = 0
    for c in 0..<width where image[c] != 0 { n += 1 }
    return n
  }

  /// Row r as a dense vector (tests).
  func dense(row r: Int) -> [T] {
    var out = [T](repeating: 0, count: width)
    for k in rowStart[r]..<rowStart[r + 1] { out[Int(columns[k])] = values[k] }
    return out
  }
}
