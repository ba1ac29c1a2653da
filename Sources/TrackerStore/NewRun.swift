// NewRun and RunStatus: what the CLI hands the store when a run starts, and the
// states a run can end in. Plain values, no SQL.
import Foundation

/// An error for a caller to show as is: one line naming the problem and its fix.
public struct StoreError: Error, CustomStringConvertible, Sendable {
  public let description: String

  public init(_ description: String) {
    self.description = description
  }
}

/// A run's `status` column. `running` until `RunRecorder.finish` sets another;
/// a run left `running` by a process that died was never finished.
public enum RunStatus: String, Sendable, CaseIterable {
  case running, completed, failed, interrupted, diverged
}

/// The description of a run, written to `runs` when it begins.
public struct NewRun: Sendable {
  /// UUID string, lower case (`UUID().uuidString.lowercased()`).
  public var id: String
  public var name: String?
  public var optimizer: String
  public var seed: Int64
  public var lr: Double
  public var iters: Int
  public var batchSize: Int
  public var evalInterval: Int
  /// Hyperparameters the optimizer doesn't use are nil (stored as NULL).
  public var momentum: Double?
  public var adagradTheta: Double?
  public var decayRate: Double?
  public var beta1: Double?
  public var beta2: Double?
  /// Hidden layer sizes, comma-separated: "40,20".
  public var hidden: String
  public var activation: String
  public var weightInit: String
  public var batchnorm: Bool
  public var dataset: String
  public var datasetHash: String
  /// Share of the most frequent class in the test set (`LearningStart.baseline`):
  /// the accuracy of always answering one class. nil when unknown; the run's
  /// learning start is then not computed.
  public var baseline: Double?
  public var startedAt: Date
  public var trackerVersion: String
  public var host: String
  public var pid: Int32
  public var command: String
  /// Keys must be distinct; order is not kept.
  public var tags: [(key: String, value: String)]

  public init(
    id: String, name: String? = nil, optimizer: String, seed: Int64, lr: Double, iters: Int,
    batchSize: Int, evalInterval: Int, momentum: Double? = nil, adagradTheta: Double? = nil,
    decayRate: Double? = nil, beta1: Double? = nil, beta2: Double? = nil, hidden: String,
    activation: String, weightInit: String, batchnorm: Bool, dataset: String, datasetHash: String,
    baseline: Double? = nil, startedAt: Date, trackerVersion: String, host: String, pid: Int32,
    command: String,
    tags: [(key: String, value: String)] = []
  ) {
    self.id = id
    self.name = name
    self.optimizer = optimizer
    self.seed = seed
    self.lr = lr
    self.iters = iters
    self.batchSize = batchSize
    self.evalInterval = evalInterval
    self.momentum = momentum
    self.adagradTheta = adagradTheta
    self.decayRate = decayRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.hidden = hidden
    self.activation = activation
    self.weightInit = weightInit
    self.batchnorm = batchnorm
    self.dataset = dataset
    self.datasetHash = datasetHash
    self.baseline = baseline
    self.startedAt = startedAt
    self.trackerVersion = trackerVersion
    self.host = host
    self.pid = pid
    self.command = command
    self.tags = tags
  }
}
