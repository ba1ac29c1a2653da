// The transpose of a mini-batch's sparse rows (compressed sparse columns), for the
// first layer's weight gradient. Accumulating dw row by row of the batch would
// read and write a 160-byte weight row for every non-zero pixel (about 15,000 per
// batch, from L2 cache); going column by column writes each weight row once per
// batch (about 600), which makes that step several times faster.

final class SparseColumns<T: NetScalar> {
  let width: Int
  let entryCapacity: Int
  /// Column c's entries are `columnStart[c]..<columnStart[c+1]`, rows ascending.
  let columnStart: UnsafeMutablePointer<Int>
  let rows: UnsafeMutablePointer<UInt16>
  let values: UnsafeMutablePointer<T>
  private let next: UnsafeMutablePointer<Int>
  /// The number of rows of the matrix last transposed.
  private(set) var rowCount = 0

  init(width: Int, entryCapacity: Int) {
    self.width = width
    self.entryCapacity = entryCapacity
    columnStart = .allocate(capacity: width + 1)
    columnStart.initialize(repeating: 0, count: width + 1)
    next = .allocate(capacity: width)
    rows = .allocate(capacity: max(entryCapacity, 1))
    values = .allocate(capacity: max(entryCapacity, 1))
  }

  deinit {
    columnStart.deallocate()
    next.deallocate()
    rows.deallocate()
    values.deallocate()
  }

  /// Rebuilds this as the transpose of all rows of `x` (a counting sort by column,
  /// stable, so each column's rows stay in ascending order).
  func transpose(_ x: SparseRows<T>) {
    let entries = x.rowStart[x.count]
    precondition(x.width == width && entries <= entryCapacity, "SparseColumns too small")
    precondition(x.count <= Int(UInt16.max) + 1, "row indices are UInt16")
    rowCount = x.count
    // Local copies of the pointers, so the compiler need not reload them after
    // every store.
    let (start, next, rows, values) = (columnStart, self.next, self.rows, self.values)
    let (rowStart, columns, xValues) = (x.rowStart, x.columns, x.values)
    start.update(repeating: 0, count: width + 1)
    for k in 0..<entries { start[Int(columns[k]) + 1] += 1 }
    for c in 0..<width { start[c + 1] += start[c] }
    next.update(from: start, count: width)
    for r in 0..<x.count {
      for k in rowStart[r]..<rowStart[r + 1] {
        let c = Int(columns[k])
        rows[next[c]] = UInt16(truncatingIfNeeded: r)
        values[next[c]] = xValues[k]
        next[c] += 1
      }
    }
  }
}
