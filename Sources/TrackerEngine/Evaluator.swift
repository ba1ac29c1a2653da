// Accuracy in inference mode, split over threads. The rows are cut into `threads`
// contiguous ranges, each run by one worker with its own workspace; a worker
// counts its correct answers as an integer and the counts are added. In inference
// mode a row's output depends on that row alone, so the total is the same for any
// thread count, bit for bit.

import Dispatch

final class Evaluator<T: NetScalar> {
  let threads: Int
  /// Rows per forward pass: enough to amortise the per-layer loop, small enough
  /// that a chunk's activations stay in cache.
  let chunk: Int
  private let workspaces: [Workspace<T>]
  /// Each worker's count of correct answers.
  private let counts: UnsafeMutableBufferPointer<Int>

  init(layout: NetworkLayout, threads: Int, chunk: Int = 128) {
    precondition(threads > 0 && chunk > 0)
    self.threads = threads
    self.chunk = chunk
    workspaces = (0..<threads).map { _ in Workspace(layout: layout, capacity: chunk) }
    counts = .allocate(capacity: threads)
  }

  deinit { counts.deallocate() }

  /// The number of rows of `x` (all `x.count` of them) whose predicted class is
  /// their label.
  func correctCount(_ network: Network<T>, _ x: SparseRows<T>, labels: UnsafePointer<UInt8>) -> Int
  {
    let n = x.count
    let parts = max(1, min(threads, n / chunk))
    if parts == 1 {
      return correctCount(network, x, labels: labels, rows: 0..<n, workspaces[0])
    }
    let job = Job(evaluator: self, network: network, x: x, labels: labels, counts: counts)
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      let rows = (n * part / parts)..<(n * (part + 1) / parts)
      job.counts[part] = job.evaluator.correctCount(
        job.network, job.x, labels: job.labels, rows: rows, job.evaluator.workspaces[part])
    }
    return counts[0..<parts].reduce(0, +)
  }

  /// What the workers share. Each writes only its own slot of `counts` and uses
  /// only its own workspace; the network and the images are only read.
  private struct Job: @unchecked Sendable {
    let evaluator: Evaluator
    let network: Network<T>
    let x: SparseRows<T>
    let labels: UnsafePointer<UInt8>
    let counts: UnsafeMutableBufferPointer<Int>
  }

  private func correctCount(
    _ network: Network<T>, _ x: SparseRows<T>, labels: UnsafePointer<UInt8>, rows: Range<Int>,
    _ ws: Workspace<T>
  ) -> Int {
    let classes = network.layout.classes
    var correct = 0
    var start = rows.lowerBound
    while start < rows.upperBound {
      let end = min(start + chunk, rows.upperBound)
      network.forward(x, rows: start..<end, ws, training: false)
      for m in 0..<(end - start)
      where argmax(ws.logits + m * classes, count: classes) == Int(labels[start + m]) {
        correct += 1
      }
      start = end
    }
    return correct
  }
}
