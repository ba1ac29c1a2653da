// The inner loops under the fast kernels: a SIMD path for Float (what training
// runs) and a plain scalar path for any other NetScalar (Double, in the gradient
// tests). The package builds the engine for AVX2 + FMA, where
// `SIMD8<Float>.addProduct` is one vfmadd231ps. Only the concrete SIMD8<Float> is
// used: generic SIMD code and the wider SIMD16/SIMD32 types compile to lane-by-lane
// loops through the stack, 30 times slower (measured).
//
// A row combination walks the (column, value) pairs once per block of outputs: 40
// wide (five registers), then 16, then 8, then one 8-wide block for the rest. Each block keeps two
// or four sets of accumulators, fed by alternate pairs, so that consecutive FMAs
// do not wait on each other's latency; the sets are added at the end of the block.
// The order of operations depends only on the row's own pairs, never on other rows.

// MARK: - Row combination: out = b + Σ_k v(k)·w(c(k), :)

/// out(0..<o) = b(0..<o) + Σ_k v(k)·w(c(k), 0..<o)    c,v:(count) w:(·,o) b,out:(o)
@inline(__always)
func rowCombination<T: NetScalar>(
  _ out: UnsafeMutablePointer<T>, _ b: UnsafePointer<T>, _ c: UnsafePointer<UInt16>,
  _ v: UnsafePointer<T>, count: Int, _ w: UnsafePointer<T>, o: Int
) {
  if T.self == Float.self {
    rowCombinationFloat(asFloat(out), asFloat(b), c, asFloat(v), count: count, asFloat(w), o: o)
    return
  }
  for j in 0..<o {
    var s = b[j]
    for k in 0..<count { s.addProduct(v[k], w[Int(c[k]) &* o + j]) }
    out[j] = s
  }
}

@inline(__always)
private func rowCombinationFloat(
  _ out: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<UInt16>,
  _ v: UnsafePointer<Float>, count: Int, _ w: UnsafePointer<Float>, o: Int
) {
  if o < 8 {
    for j in 0..<o {
      var s = b[j]
      for k in 0..<count { s.addProduct(v[k], w[Int(c[k]) &* o + j]) }
      out[j] = s
    }
    return
  }
  var j = 0
  while j + 40 <= o {
    combine40(out + j, b + j, c, v, count: count, w + j, o: o)
    j += 40
  }
  while j + 16 <= o {
    combine16(out + j, b + j, c, v, count: count, w + j, o: o)
    j += 16
  }
  if j + 8 <= o {
    combine8(out + j, b + j, c, v, count: count, w + j, o: o)
    j += 8
  }
  if j < o {
    // The last o mod 8 outputs: one more 8-wide block ending at o, overlapping
    // outputs already done; they are recomputed (the same sum in a different
    // order) and overwritten, so each output is still a fixed function of its row.
    combine8(out + o - 8, b + o - 8, c, v, count: count, w + o - 8, o: o)
  }
}

/// `sparseAffineForwardSplit` for Float, with the row combination inlined.
func sparseForwardSplitFloat(
  _ out: UnsafeMutablePointer<Float>, _ rowStart: UnsafePointer<Int>, _ split: UnsafePointer<Int>,
  _ c: UnsafePointer<UInt16>, _ v: UnsafePointer<Float>, rows: Range<Int>,
  _ w: UnsafePointer<Float>, _ b: UnsafePointer<Float>, o: Int,
  partial: UnsafeMutablePointer<Float>
) {
  var m = 0
  for r in rows {
    let start = rowStart[r]
    rowCombinationFloat(
      partial + m &* o, b, c + start, v + start, count: split[r] &- start, w, o: o)
    m += 1
  }
  m = 0
  for r in rows {
    let start = split[r]
    rowCombinationFloat(
      out + m &* o, partial + m &* o, c + start, v + start, count: rowStart[r + 1] &- start, w, o: o
    )
    m += 1
  }
}

/// Five registers (40 outputs), two accumulator sets. `w` points at the block's
/// first column of row 0; rows are `o` apart.
@inline(__always)
private func combine40(
  _ out: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<UInt16>,
  _ v: UnsafePointer<Float>, count: Int, _ w: UnsafePointer<Float>, o: Int
) {
  var (a0, a1, a2, a3, a4) = (load(b), load(b + 8), load(b + 16), load(b + 24), load(b + 32))
  var (e0, e1, e2, e3, e4) = (Float8(), Float8(), Float8(), Float8(), Float8())
  var k = 0
  while k + 2 <= count {
    let (s, r) = (Float8(repeating: v[k]), w + Int(c[k]) &* o)
    a0.addProduct(s, load(r))
    a1.addProduct(s, load(r + 8))
    a2.addProduct(s, load(r + 16))
    a3.addProduct(s, load(r + 24))
    a4.addProduct(s, load(r + 32))
    let (t, q) = (Float8(repeating: v[k + 1]), w + Int(c[k + 1]) &* o)
    e0.addProduct(t, load(q))
    e1.addProduct(t, load(q + 8))
    e2.addProduct(t, load(q + 16))
    e3.addProduct(t, load(q + 24))
    e4.addProduct(t, load(q + 32))
    k += 2
  }
  if k < count {
    let (s, r) = (Float8(repeating: v[k]), w + Int(c[k]) &* o)
    a0.addProduct(s, load(r))
    a1.addProduct(s, load(r + 8))
    a2.addProduct(s, load(r + 16))
    a3.addProduct(s, load(r + 24))
    a4.addProduct(s, load(r + 32))
  }
  store(a0 + e0, out)
  store(a1 + e1, out + 8)
  store(a2 + e2, out + 16)
  store(a3 + e3, out + 24)
  store(a4 + e4, out + 32)
}

/// Two registers (16 outputs), two accumulator sets.
@inline(__always)
private func combine16(
  _ out: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<UInt16>,
  _ v: UnsafePointer<Float>, count: Int, _ w: UnsafePointer<Float>, o: Int
) {
  var (a0, a1, e0, e1) = (load(b), load(b + 8), Float8(), Float8())
  var k = 0
  while k + 2 <= count {
    let (s, r) = (Float8(repeating: v[k]), w + Int(c[k]) &* o)
    a0.addProduct(s, load(r))
    a1.addProduct(s, load(r + 8))
    let (t, q) = (Float8(repeating: v[k + 1]), w + Int(c[k + 1]) &* o)
    e0.addProduct(t, load(q))
    e1.addProduct(t, load(q + 8))
    k += 2
  }
  if k < count {
    let (s, r) = (Float8(repeating: v[k]), w + Int(c[k]) &* o)
    a0.addProduct(s, load(r))
    a1.addProduct(s, load(r + 8))
  }
  store(a0 + e0, out)
  store(a1 + e1, out + 8)
}

/// One register (8 outputs), four accumulator sets.
@inline(__always)
private func combine8(
  _ out: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<UInt16>,
  _ v: UnsafePointer<Float>, count: Int, _ w: UnsafePointer<Float>, o: Int
) {
  var (a0, a1, a2, a3) = (load(b), Float8(), Float8(), Float8())
  var k = 0
  while k + 4 <= count {
    a0.addProduct(Float8(repeating: v[k]), load(w + Int(c[k]) &* o))
    a1.addProduct(Float8(repeating: v[k + 1]), load(w + Int(c[k + 1]) &* o))
    a2.addProduct(Float8(repeating: v[k + 2]), load(w + Int(c[k + 2]) &* o))
    a3.addProduct(Float8(repeating: v[k + 3]), load(w + Int(c[k + 3]) &* o))
    k += 4
  }
  while k < count {
    a0.addProduct(Float8(repeating: v[k]), load(w + Int(c[k]) &* o))
    k += 1
  }
  store((a0 + a1) + (a2 + a3), out)
}

// MARK: - Helpers

@inline(__always)
func load(_ p: UnsafePointer<Float>) -> Float8 {
  UnsafeRawPointer(p).loadUnaligned(as: Float8.self)
}

@inline(__always)
func store(_ x: Float8, _ p: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: x, as: Float8.self)
}

/// The same memory seen as Float; only called when T is Float.
@inline(__always)
func asFloat<T>(_ p: UnsafePointer<T>) -> UnsafePointer<Float> {
  UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
}

@inline(__always)
func asFloat<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
  UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
}
