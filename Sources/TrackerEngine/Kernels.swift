// Affine-layer kernels, naive and fast. The naive ones are the reference that
// tests hold the fast ones to (as llm.c keeps matmul_forward_naive); only the fast
// ones run in training.
//
// The fast kernels are all built on one row operation, "row combination":
// out(0..<o) = b + Σ_k v(k)·w(c(k), 0..<o), i.e. a sum of weight rows scaled by
// input values. For the first layer the (c, v) pairs are an image's non-zero pixels;
// for dense layers c runs over 0..<i (an `iota` table) and v is the activation row.
// The backward passes are row combinations too, of the rows of wᵀ (for dx) and of
// dout (for dw, one input column at a time). In the forward pass each output row
// is computed from its input row alone, always in the same order, so a row's
// result does not depend on which rows it is evaluated with (this is what makes
// evaluation results independent of the thread count).

// MARK: - Naive reference

/// out(n,o) = b(o) + Σ_i x(n,i)·w(i,o)    x:(n,i) w:(i,o) b:(o) out:(n,o)
func affineForwardNaive<T: NetScalar>(
  _ out: inout [T], _ x: [T], _ w: [T], _ b: [T], n: Int, i: Int, o: Int
) {
  for r in 0..<n {
    for c in 0..<o {
      var s = b[c]
      for k in 0..<i { s += x[r * i + k] * w[k * o + c] }
      out[r * o + c] = s
    }
  }
}

/// dx(n,i) = Σ_o dout(n,o)·w(i,o) (overwritten); dw(i,o) += Σ_n x(n,i)·dout(n,o);
/// db(o) += Σ_n dout(n,o)       dout:(n,o) x:(n,i) w:(i,o)
func affineBackwardNaive<T: NetScalar>(
  _ dx: inout [T], _ dw: inout [T], _ db: inout [T], _ dout: [T], _ x: [T], _ w: [T],
  n: Int, i: Int, o: Int
) {
  for r in 0..<n {
    for k in 0..<i {
      var s: T = 0
      for c in 0..<o { s += dout[r * o + c] * w[k * o + c] }
      dx[r * i + k] = s
    }
  }
  for k in 0..<i {
    for c in 0..<o {
      var s: T = 0
      for r in 0..<n { s += x[r * i + k] * dout[r * o + c] }
      dw[k * o + c] += s
    }
  }
  for c in 0..<o {
    for r in 0..<n { db[c] += dout[r * o + c] }
  }
}

// MARK: - Fast: first layer (sparse input)

/// out(r,o) = b(o) + Σ_i x(r,i)·w(i,o) for r in `rows` of the sparse input, written
/// to out's rows 0..<rows.count.     x:(rows,i) sparse  w:(i,o) b:(o) out:(n,o)
func sparseAffineForward<T: NetScalar>(
  _ out: UnsafeMutablePointer<T>, _ x: SparseRows<T>, rows: Range<Int>,
  _ w: UnsafePointer<T>, _ b: UnsafePointer<T>, o: Int
) {
  for (m, r) in rows.enumerated() {
    let start = x.rowStart[r]
    rowCombination(
      out + m * o, b, x.columns + start, x.values + start, count: x.rowStart[r + 1] - start, w, o: o
    )
  }
}

/// `sparseAffineForward` in two passes: first every row's columns below the
/// split (`x.rowSplit`) into `partial`, then the rest on top of it. Each pass reads half
/// of w (784 x 40 Floats is four times the L1 cache), which then mostly stays in
/// L1 over a chunk of rows: about 15% faster on MNIST's test set. A row's result
/// still depends only on that row.    partial:(rows.count,o) scratch
func sparseAffineForwardSplit<T: NetScalar>(
  _ out: UnsafeMutablePointer<T>, _ x: SparseRows<T>, rows: Range<Int>,
  _ w: UnsafePointer<T>, _ b: UnsafePointer<T>, o: Int, partial: UnsafeMutablePointer<T>
) {
  let split = x.rowSplit!
  if T.self == Float.self {
    sparseForwardSplitFloat(
      asFloat(out), x.rowStart, split, x.columns, asFloat(UnsafePointer(x.values)), rows: rows,
      asFloat(w),
      asFloat(b), o: o, partial: asFloat(partial))
    return
  }
  for (m, r) in rows.enumerated() {
    let start = x.rowStart[r]
    rowCombination(
      partial + m * o, b, x.columns + start, x.values + start, count: split[r] - start, w, o: o)
  }
  for (m, r) in rows.enumerated() {
    let start = split[r]
    rowCombination(
      out + m * o, partial + m * o, x.columns + start, x.values + start,
      count: x.rowStart[r + 1] - start, w, o: o)
  }
}

/// dw(i,o) += Σ_r x(r,i)·dout(r,o); db(o) += Σ_r dout(r,o). (No dx: the input is data.)
/// Column by column of x: dw's row i gets a row combination of dout's rows, with
/// column i's entries as weights.   xt: x transposed (all its rows)  dout:(n,o)
/// dw:(i,o) db:(o)  scratch: sums (o values), zeros (at least o zeros)
func sparseAffineBackward<T: NetScalar>(
  _ dw: UnsafeMutablePointer<T>, _ db: UnsafeMutablePointer<T>, _ dout: UnsafePointer<T>,
  _ xt: SparseColumns<T>, sums: UnsafeMutablePointer<T>, zeros: UnsafePointer<T>, o: Int
) {
  for c in 0..<xt.width {
    let start = xt.columnStart[c]
    let count = xt.columnStart[c + 1] - start
    if count == 0 { continue }
    let row = dw + c * o
    if o % 8 == 0 {
      // Accumulate straight into dw's row: the row combination reads all of its
      // bias argument before it writes, which holds when no 8-wide block overlaps.
      rowCombination(row, row, xt.rows + start, xt.values + start, count: count, dout, o: o)
      continue
    }
    rowCombination(sums, zeros, xt.rows + start, xt.values + start, count: count, dout, o: o)
    for j in 0..<o { row[j] += sums[j] }
  }
  biasBackward(db, dout, n: xt.rowCount, o: o)
}

// MARK: - Fast: dense layers

/// out(n,o) = b(o) + Σ_i x(n,i)·w(i,o)    x:(n,i) w:(i,o) b:(o) out:(n,o)
/// `iota` holds 0, 1, ..., i-1. (Narrow Float layers: Kernels+Dense.swift.)
func denseAffineForward<T: NetScalar>(
  _ out: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, _ w: UnsafePointer<T>,
  _ b: UnsafePointer<T>, iota: UnsafePointer<UInt16>, n: Int, i: Int, o: Int
) {
  if T.self == Float.self && (8...24).contains(o) {
    denseForwardNarrow(asFloat(out), asFloat(x), asFloat(w), asFloat(b), n: n, i: i, o: o)
    return
  }
  for r in 0..<n {
    rowCombination(out + r * o, b, iota, x + r * i, count: i, w, o: o)
  }
}

/// dx(n,i) = Σ_o dout(n,o)·w(i,o) (overwritten); dw(i,o) += Σ_n x(n,i)·dout(n,o);
/// db(o) += Σ_n dout(n,o)       dout:(n,o) x:(n,i) w:(i,o)
/// Both are row combinations: dx's rows combine the rows of wᵀ, and dw's rows
/// combine the rows of dout with the columns of x as weights. Scratch: `t` holds
/// max(o·i, i·n) values (wᵀ, then xᵀ), `sums` o values; `zeros` at least
/// max(i, o) zeros; `iota` 0, 1, ..., max(i, o, n) - 1.
func denseAffineBackward<T: NetScalar>(
  _ dx: UnsafeMutablePointer<T>, _ dw: UnsafeMutablePointer<T>, _ db: UnsafeMutablePointer<T>,
  _ dout: UnsafePointer<T>, _ x: UnsafePointer<T>, _ w: UnsafePointer<T>,
  t: UnsafeMutablePointer<T>, sums: UnsafeMutablePointer<T>, zeros: UnsafePointer<T>,
  iota: UnsafePointer<UInt16>, n: Int, i: Int, o: Int
) {
  transpose(t, w, rows: i, columns: o)
  for r in 0..<n {
    rowCombination(dx + r * i, zeros, iota, dout + r * o, count: o, t, o: i)
  }
  transpose(t, x, rows: n, columns: i)
  for k in 0..<i {
    rowCombination(sums, zeros, iota, t + k * n, count: n, dout, o: o)
    for c in 0..<o { dw[k * o + c] += sums[c] }
  }
  biasBackward(db, dout, n: n, o: o)
}

/// out(c,r) = x(r,c)     x:(rows,columns) out:(columns,rows)
func transpose<T>(_ out: UnsafeMutablePointer<T>, _ x: UnsafePointer<T>, rows: Int, columns: Int) {
  for r in 0..<rows {
    for c in 0..<columns { out[c * rows + r] = x[r * columns + c] }
  }
}

/// db(o) += Σ_n dout(n,o)     dout:(n,o)
func biasBackward<T: NetScalar>(
  _ db: UnsafeMutablePointer<T>, _ dout: UnsafePointer<T>, n: Int, o: Int
) {
  for r in 0..<n {
    for c in 0..<o { db[c] += dout[r * o + c] }
  }
}
