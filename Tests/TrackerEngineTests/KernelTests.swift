// The fast (sparse, SIMD) affine kernels against the naive reference, on random
// sparse and dense inputs with sizes that are and are not multiples of 8.

import XCTest

@testable import TrackerEngine

final class KernelTests: XCTestCase {
  let inputSizes = [1, 5, 13, 37, 40, 70]
  let outputSizes = [1, 3, 7, 8, 10, 13, 16, 20, 31, 37, 40, 64, 75, 83]

  func assertClose(
    _ fast: [Float], _ naive: [Double], _ what: String, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    let (difference, scale) = largestDifference(fast.map(Double.init), naive)
    XCTAssertLessThanOrEqual(difference, 1e-5 * max(1, scale), what, file: file, line: line)
  }

  /// `fast(out, w, b)`, a fast forward of `rows` of `x` with random w:(x.width,o)
  /// and b:(o), against the naive forward of the same rows made dense.
  func assertForwardMatchesNaive(
    _ x: SparseRows<Float>, rows: Range<Int>, o: Int, _ rng: inout TrackerRandom, _ what: String,
    file: StaticString = #filePath, line: UInt = #line,
    fast: (UnsafeMutablePointer<Float>, [Float], [Float]) -> Void
  ) {
    let i = x.width
    let w: [Float] = randomValues(i * o, &rng)
    let b: [Float] = randomValues(o, &rng)
    var out = [Float](repeating: .nan, count: rows.count * o)
    out.withUnsafeMutableBufferPointer { fast($0.baseAddress!, w, b) }
    let dense = rows.flatMap { x.dense(row: $0) }.map(Double.init)
    var naive = [Double](repeating: 0, count: rows.count * o)
    affineForwardNaive(
      &naive, dense, w.map(Double.init), b.map(Double.init), n: rows.count, i: i, o: o)
    assertClose(out, naive, what, file: file, line: line)
  }

  func testSparseForwardMatchesNaive() {
    var rng = TrackerRandom(seed: 11)
    let n = 6
    for i in inputSizes {
      for o in outputSizes {
        for zeros in [0.0, 0.8, 1.0] {
          let images = randomImages(n, width: i, zeros: zeros, &rng)
          let x = images.withUnsafeBufferPointer { SparseRows<Float>(images: $0, width: i) }
          // Rows 1..<n, to check that `rows` is honoured.
          assertForwardMatchesNaive(
            x, rows: 1..<n, o: o, &rng, "sparse forward i=\(i) o=\(o) zeros=\(zeros)"
          ) { out, w, b in sparseAffineForward(out, x, rows: 1..<n, w, b, o: o) }
        }
      }
    }
  }

  func testSplitSparseForwardMatchesNaive() {
    var rng = TrackerRandom(seed: 14)
    let n = 6
    for i in inputSizes {
      for o in outputSizes {
        for split in Set([0, 1, i / 2, i]) {
          let images = randomImages(n, width: i, zeros: 0.6, &rng)
          let x = images.withUnsafeBufferPointer { SparseRows<Float>(images: $0, width: i) }
          x.split(at: split)
          var partial = [Float](repeating: .nan, count: (n - 2) * o)
          assertForwardMatchesNaive(
            x, rows: 1..<(n - 1), o: o, &rng, "split forward i=\(i) o=\(o) split=\(split)"
          ) { out, w, b in
            partial.withUnsafeMutableBufferPointer {
              sparseAffineForwardSplit(
                out, x, rows: 1..<(n - 1), w, b, o: o, partial: $0.baseAddress!)
            }
          }
        }
      }
    }
  }

  func testSparseBackwardMatchesNaive() {
    var rng = TrackerRandom(seed: 12)
    let n = 5
    for i in inputSizes {
      for o in outputSizes {
        let images = randomImages(n, width: i, zeros: 0.7, &rng)
        let x = images.withUnsafeBufferPointer { SparseRows<Float>(images: $0, width: i) }
        let dout: [Float] = randomValues(n * o, &rng)
        var dw: [Float] = randomValues(i * o, &rng)  // gradients accumulate: start non-zero
        var db: [Float] = randomValues(o, &rng)
        var naiveDw = dw.map(Double.init)
        var naiveDb = db.map(Double.init)
        let xt = SparseColumns<Float>(width: i, entryCapacity: n * i)
        xt.transpose(x)
        var sums = [Float](repeating: .nan, count: o)
        let zeros = [Float](repeating: 0, count: o)
        dw.withUnsafeMutableBufferPointer { dw in
          db.withUnsafeMutableBufferPointer { db in
            sparseAffineBackward(
              dw.baseAddress!, db.baseAddress!, dout, xt, sums: &sums, zeros: zeros, o: o)
          }
        }
        var dx = [Double](repeating: 0, count: n * i)
        let dense = (0..<n).flatMap { x.dense(row: $0) }.map(Double.init)
        let w = [Double](repeating: 0, count: i * o)
        affineBackwardNaive(
          &dx, &naiveDw, &naiveDb, dout.map(Double.init), dense, w, n: n, i: i, o: o)
        assertClose(dw, naiveDw, "sparse dw i=\(i) o=\(o)")
        assertClose(db, naiveDb, "sparse db i=\(i) o=\(o)")
      }
    }
  }

  func testDenseForwardAndBackwardMatchNaive() {
    var rng = TrackerRandom(seed: 13)
    let n = 7
    for i in inputSizes {
      for o in outputSizes {
        // A workspace with a dense i -> o layer provides the scratch buffers.
        let layout = NetworkLayout(inputs: 1, hidden: [i, o], classes: 1, batchNorm: false)
        let ws = Workspace<Float>(layout: layout, capacity: n)
        var x: [Float] = randomValues(n * i, &rng)
        for k in stride(from: 0, to: x.count, by: 3) { x[k] = 0 }
        let w: [Float] = randomValues(i * o, &rng)
        let b: [Float] = randomValues(o, &rng)
        let dout: [Float] = randomValues(n * o, &rng)

        var out = [Float](repeating: .nan, count: n * o)
        out.withUnsafeMutableBufferPointer {
          denseAffineForward($0.baseAddress!, x, w, b, iota: ws.iota, n: n, i: i, o: o)
        }
        var naiveOut = [Double](repeating: 0, count: n * o)
        let (xd, wd) = (x.map(Double.init), w.map(Double.init))
        affineForwardNaive(&naiveOut, xd, wd, b.map(Double.init), n: n, i: i, o: o)
        assertClose(out, naiveOut, "dense forward i=\(i) o=\(o)")

        var dx = [Float](repeating: .nan, count: n * i)
        var dw: [Float] = randomValues(i * o, &rng)
        var db: [Float] = randomValues(o, &rng)
        var (naiveDx, naiveDw, naiveDb) = (
          [Double](repeating: 0, count: n * i), dw.map(Double.init), db.map(Double.init)
        )
        dx.withUnsafeMutableBufferPointer { dx in
          dw.withUnsafeMutableBufferPointer { dw in
            db.withUnsafeMutableBufferPointer { db in
              denseAffineBackward(
                dx.baseAddress!, dw.baseAddress!, db.baseAddress!, dout, x, w, t: ws.transposed,
                sums: ws.scratch, zeros: ws.zeros, iota: ws.iota, n: n, i: i, o: o)
            }
          }
        }
        affineBackwardNaive(
          &naiveDx, &naiveDw, &naiveDb, dout.map(Double.init), xd, wd, n: n, i: i, o: o)
        assertClose(dx, naiveDx, "dense dx i=\(i) o=\(o)")
        assertClose(dw, naiveDw, "dense dw i=\(i) o=\(o)")
        assertClose(db, naiveDb, "dense db i=\(i) o=\(o)")
      }
    }
  }

  func testSparseRowsConversion() {
    let images: [UInt8] = [0, 255, 0, 51, 0, 0, 0, 0, 7]
    let rows = images.withUnsafeBufferPointer { SparseRows<Float>(images: $0, width: 3) }
    XCTAssertEqual(rows.count, 3)
    XCTAssertEqual(rows.dense(row: 0), [0, 1, 0])
    XCTAssertEqual(rows.dense(row: 1), [Float(51) / 255, 0, 0])
    XCTAssertEqual(rows.dense(row: 2), [0, 0, Float(7) / 255])
    XCTAssertEqual(rows.rowStart[3], 3, "only non-zero pixels are stored")
    rows.split(at: 1)
    XCTAssertEqual((0..<3).map { rows.rowSplit![$0] }, [0, 2, 2], "first entry at column >= 1")
  }

  func testParametersAreAlignedForEightWideLoads() {
    let layout = NetworkLayout(inputs: 13, hidden: [7, 5], classes: 3, batchNorm: true)
    for layer in layout.layers {
      for view in [layer.weights, layer.bias, layer.gamma, layer.beta].compactMap({ $0 }) {
        XCTAssertEqual(view.offset % 8, 0, "each tensor starts at a multiple of 8 values")
      }
    }
    let network = Network<Float>(layout: layout, activation: .sigmoid)
    XCTAssertEqual(Int(bitPattern: network.params.baseAddress!) % 64, 0)
    XCTAssertEqual(Int(bitPattern: network.grads.baseAddress!) % 64, 0)
    XCTAssert(network.params.allSatisfy { $0 == 0 } && network.grads.allSatisfy { $0 == 0 })
  }
}
