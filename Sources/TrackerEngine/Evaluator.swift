// Accuracy in inference mode, on the calling thread or on a pool of worker threads.
// The rows are cut into fixed chunks; whoever evaluates a chunk counts its correct
// answers as an integer, and the counts are added. In inference mode a row's
// output depends on that row alone, so the total is the same for any thread count
// and any split, bit for bit.
//
// The training loop does not wait for a test-set evaluation: it copies the network
// into a snapshot, `start`s a job on the workers and goes on training; at the next
// evaluation it `finish`es the job, helping with the chunks not yet taken. So with
// two threads the second core evaluates while the first trains.

import Foundation
import Synchronization

final class Evaluator<T: NetScalar>: @unchecked Sendable {
  /// The caller's thread plus `threads - 1` workers.
  let threads: Int
  /// Rows per forward pass: enough to amortise the per-layer loop, small enough
  /// that a chunk's activations stay in cache.
  let chunk: Int
  private let mainWorkspace: Workspace<T>
  /// Guards `queue` and `closing`; workers wait on it for work, `finish` for a job's end.
  private let condition = NSCondition()
  private var queue: [Job] = []
  private var closing = false
  private let exited = DispatchSemaphore(value: 0)
  private var workerCount = 0

  // (@unchecked Sendable: the mutable state is touched only under `condition`;
  // each worker has its own workspace; the jobs' shared state is atomic.)

  init(layout: NetworkLayout, threads: Int, chunk: Int = 128) {
    precondition(threads > 0 && chunk > 0)
    self.threads = threads
    self.chunk = chunk
    mainWorkspace = Workspace(layout: layout, capacity: chunk)
    for _ in 1..<threads {
      let workspace = Handed(Workspace<T>(layout: layout, capacity: chunk))
      let thread = Thread { [self] in work(workspace.value) }
      thread.name = "tracker-eval"
      thread.start()
      workerCount += 1
    }
  }

  /// Finishes the jobs still queued and stops the workers. Call once, before the
  /// data the jobs read goes away.
  func close() {
    condition.lock()
    let left = queue
    condition.unlock()
    for job in left { _ = finish(job) }
    condition.lock()
    closing = true
    condition.broadcast()
    condition.unlock()
    for _ in 0..<workerCount { exited.wait() }
    workerCount = 0
  }

  // MARK: - On the calling thread

  /// The number of rows of `x` (all `x.count` of them) whose predicted class is
  /// their label, computed on the calling thread alone.
  func correctCount(_ network: Network<T>, _ x: SparseRows<T>, labels: UnsafePointer<UInt8>) -> Int
  {
    var correct = 0
    var start = 0
    while start < x.count {
      let end = min(start + chunk, x.count)
      correct += Self.correctCount(network, x, labels: labels, rows: start..<end, mainWorkspace)
      start = end
    }
    return correct
  }

  private static func correctCount(
    _ network: Network<T>, _ x: SparseRows<T>, labels: UnsafePointer<UInt8>, rows: Range<Int>,
    _ ws: Workspace<T>
  ) -> Int {
    network.forward(x, rows: rows, ws, training: false)
    let classes = network.layout.classes
    var correct = 0
    for m in 0..<rows.count
    where argmax(ws.logits + m * classes, count: classes) == Int(labels[rows.lowerBound + m]) {
      correct += 1
    }
    return correct
  }

  // MARK: - On the workers

  /// One evaluation of all rows of `x`. `network`, `x` and `labels` must not change
  /// until `finish` has returned its count.
  final class Job: @unchecked Sendable {
    let network: Network<T>
    let x: SparseRows<T>
    let labels: UnsafePointer<UInt8>
    let chunk: Int
    let chunks: Int
    /// Chunks handed out, chunks done, and the correct answers counted so far.
    let claimed = Atomic<Int>(0)
    let done = Atomic<Int>(0)
    let correct = Atomic<Int>(0)

    init(_ network: Network<T>, _ x: SparseRows<T>, labels: UnsafePointer<UInt8>, chunk: Int) {
      (self.network, self.x, self.labels, self.chunk) = (network, x, labels, chunk)
      chunks = (x.count + chunk - 1) / chunk
    }

    var unclaimed: Bool { claimed.load(ordering: .relaxed) < chunks }
    var isDone: Bool { done.load(ordering: .acquiring) == chunks }

    /// Evaluates chunks until none is left to take. True if this call did the last one.
    func work(_ ws: Workspace<T>) -> Bool {
      var last = false
      while true {
        let c = claimed.wrappingAdd(1, ordering: .relaxed).oldValue
        guard c < chunks else { return last }
        let rows = (c * chunk)..<min(x.count, (c + 1) * chunk)
        correct.wrappingAdd(
          Evaluator.correctCount(network, x, labels: labels, rows: rows, ws), ordering: .relaxed)
        last = done.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue == chunks
      }
    }
  }

  /// Queues an evaluation of all rows of `x` for the workers and returns at once.
  /// Without workers, the work waits for `finish`.
  func start(_ network: Network<T>, _ x: SparseRows<T>, labels: UnsafePointer<UInt8>) -> Job {
    let job = Job(network, x, labels: labels, chunk: chunk)
    condition.lock()
    queue.append(job)
    condition.broadcast()
    condition.unlock()
    return job
  }

  /// The job's count of correct rows, once all its chunks are done; the calling
  /// thread evaluates the chunks that no worker has taken yet.
  func finish(_ job: Job) -> Int {
    _ = job.work(mainWorkspace)
    condition.lock()
    while !job.isDone { condition.wait() }
    queue.removeAll { $0 === job }
    condition.unlock()
    return job.correct.load(ordering: .relaxed)
  }

  /// A worker: takes chunks of the oldest job that has some left, else sleeps.
  private func work(_ ws: Workspace<T>) {
    condition.lock()
    while !closing {
      guard let job = queue.first(where: \.unclaimed) else {
        condition.wait()
        continue
      }
      condition.unlock()
      let last = job.work(ws)
      condition.lock()
      if last { condition.broadcast() }  // `finish` may be waiting for it
    }
    condition.unlock()
    exited.signal()
  }
}

/// A value handed to another thread that from then on is its only user.
struct Handed<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
