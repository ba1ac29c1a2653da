// The forward pass of the narrow dense layers (40 -> 20 and 20 -> 10 in the
// reference network), which evaluation runs on 10,000 rows a hundred times. The
// general row combination reads a column index per input and makes two passes for
// 20 outputs; here four rows go together: for each input k, the 8-wide blocks of
// w's row k are loaded once and meet the four rows' x(·,k). Each output has one
// accumulator that adds its terms in the order k = 0, 1, ..., i-1, so a row's
// result does not depend on the rows it is computed with (the rows left over after
// the groups of four go through the same sequence one at a time), and a block that
// overlaps the one before it (o not a multiple of 8) computes the shared outputs
// bit for bit the same.

/// out(n,o) = b(o) + Σ_i x(n,i)·w(i,o) for 8 <= o <= 24    x:(n,i) w:(i,o) b:(o) out:(n,o)
func denseForwardNarrow(
  _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
  _ b: UnsafePointer<Float>, n: Int, i: Int, o: Int
) {
  precondition((8...24).contains(o), "denseForwardNarrow needs 8...24 outputs")
  if o > 16 {
    narrow3(out, x, w, b, n: n, i: i, o: o, blocks: (0, 8, o - 8))
  } else {
    narrow2(out, x, w, b, n: n, i: i, o: o, blocks: (0, o - 8))
  }
}

/// Three 8-wide blocks of outputs starting at `blocks`.
@inline(__always)
private func narrow3(
  _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
  _ b: UnsafePointer<Float>, n: Int, i: Int, o: Int, blocks: (Int, Int, Int)
) {
  let (j0, j1, j2) = blocks
  let (b0, b1, b2) = (load(b + j0), load(b + j1), load(b + j2))
  var r = 0
  while r + 4 <= n {
    let (x0, x1, x2, x3) = (x + r &* i, x + (r + 1) &* i, x + (r + 2) &* i, x + (r + 3) &* i)
    var (a0, a1, a2) = (b0, b1, b2)
    var (c0, c1, c2) = (b0, b1, b2)
    var (d0, d1, d2) = (b0, b1, b2)
    var (e0, e1, e2) = (b0, b1, b2)
    for k in 0..<i {
      let row = w + k &* o
      let (w0, w1, w2) = (load(row + j0), load(row + j1), load(row + j2))
      accumulate(&a0, &a1, &a2, x0[k], w0, w1, w2)
      accumulate(&c0, &c1, &c2, x1[k], w0, w1, w2)
      accumulate(&d0, &d1, &d2, x2[k], w0, w1, w2)
      accumulate(&e0, &e1, &e2, x3[k], w0, w1, w2)
    }
    func put(_ m: Int, _ p: Float8, _ q: Float8, _ t: Float8) {
      let row = out + (r + m) &* o
      store(p, row + j0)
      store(q, row + j1)
      store(t, row + j2)
    }
    put(0, a0, a1, a2)
    put(1, c0, c1, c2)
    put(2, d0, d1, d2)
    put(3, e0, e1, e2)
    r += 4
  }
  while r < n {
    let xr = x + r &* i
    var (a0, a1, a2) = (b0, b1, b2)
    for k in 0..<i {
      let row = w + k &* o
      accumulate(&a0, &a1, &a2, xr[k], load(row + j0), load(row + j1), load(row + j2))
    }
    let row = out + r &* o
    store(a0, row + j0)
    store(a1, row + j1)
    store(a2, row + j2)
    r += 1
  }
}

/// Two 8-wide blocks of outputs starting at `blocks` (the same block twice for o = 8).
@inline(__always)
private func narrow2(
  _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
  _ b: UnsafePointer<Float>, n: Int, i: Int, o: Int, blocks: (Int, Int)
) {
  let (j0, j1) = blocks
  let (b0, b1) = (load(b + j0), load(b + j1))
  var r = 0
  while r + 4 <= n {
    let (x0, x1, x2, x3) = (x + r &* i, x + (r + 1) &* i, x + (r + 2) &* i, x + (r + 3) &* i)
    var (a0, a1, c0, c1) = (b0, b1, b0, b1)
    var (d0, d1, e0, e1) = (b0, b1, b0, b1)
    for k in 0..<i {
      let row = w + k &* o
      let (w0, w1) = (load(row + j0), load(row + j1))
      accumulate(&a0, &a1, x0[k], w0, w1)
      accumulate(&c0, &c1, x1[k], w0, w1)
      accumulate(&d0, &d1, x2[k], w0, w1)
      accumulate(&e0, &e1, x3[k], w0, w1)
    }
    func put(_ m: Int, _ p: Float8, _ q: Float8) {
      let row = out + (r + m) &* o
      store(p, row + j0)
      store(q, row + j1)
    }
    put(0, a0, a1)
    put(1, c0, c1)
    put(2, d0, d1)
    put(3, e0, e1)
    r += 4
  }
  while r < n {
    let xr = x + r &* i
    var (a0, a1) = (b0, b1)
    for k in 0..<i {
      let row = w + k &* o
      accumulate(&a0, &a1, xr[k], load(row + j0), load(row + j1))
    }
    let row = out + r &* o
    store(a0, row + j0)
    store(a1, row + j1)
    r += 1
  }
}

// MARK: - One row's step

/// (a, b, c) += x·(u, v, w): one input of one row, three blocks of outputs.
@inline(__always)
private func accumulate(
  _ a: inout Float8, _ b: inout Float8, _ c: inout Float8, _ x: Float, _ u: Float8, _ v: Float8,
  _ w: Float8
) {
  let s = Float8(repeating: x)
  a.addProduct(s, u)
  b.addProduct(s, v)
  c.addProduct(s, w)
}

/// (a, b) += x·(u, v): one input of one row, two blocks of outputs.
@inline(__always)
private func accumulate(_ a: inout Float8, _ b: inout Float8, _ x: Float, _ u: Float8, _ v: Float8)
{
  let s = Float8(repeating: x)
  a.addProduct(s, u)
  b.addProduct(s, v)
}
