// StoredRun and RunDetails: a run as read back from the database, for list,
// compare and show. Plain values, no SQL.
import Foundation

/// One run's row: identity, status, hyperparameters, timing and summary.
public struct StoredRun: Sendable {
  /// `runs.seq`, the compact key of the metric tables.
  public var seq: Int64
  /// The UUID, lower case.
  public var id: String
  public var name: String?
  public var status: RunStatus
  public var optimizer: String
  /// Values of every `HyperParameter`, in `HyperParameter.allCases` order.
  public var parameters: [SQLValue]
  /// ISO 8601 UTC, as stored (`Timestamp`).
  public var startedAt: String
  public var endedAt: String?
  public var durationSeconds: Double?
  public var summary: RunSummary
  /// "key=value" pairs, by key; empty unless the query asked for tags.
  public var tags: [(key: String, value: String)]
  /// `runs.config_key` (migration 0006): every setting that can change the
  /// result, canonical, with the data's fingerprint; runs with the same key
  /// and seed are the same sample.
  public var configKey: String
  /// `runs.dataset_hash`: the fingerprint of the data the run trained on.
  public var datasetHash: String
  /// `runs.source`: nil for tracker's own runs, else where an imported run came from.
  public var source: String? = nil

  public init(
    seq: Int64, id: String, name: String?, status: RunStatus, optimizer: String,
    parameters: [SQLValue], startedAt: String, endedAt: String?, durationSeconds: Double?,
    summary: RunSummary, tags: [(key: String, value: String)] = [], configKey: String = "",
    datasetHash: String = ""
  ) {
    precondition(parameters.count == HyperParameter.allCases.count, "one value per parameter")
    self.seq = seq
    self.id = id
    self.name = name
    self.status = status
    self.optimizer = optimizer
    self.parameters = parameters
    self.startedAt = startedAt
    self.endedAt = endedAt
    self.durationSeconds = durationSeconds
    self.summary = summary
    self.tags = tags
    self.configKey = configKey
    self.datasetHash = datasetHash
  }

  /// The value of one hyperparameter column.
  public subscript(_ parameter: HyperParameter) -> SQLValue {
    get { parameters[parameter.index] }
    set { parameters[parameter.index] = newValue }
  }

  public var seed: Int64 {
    if case .integer(let seed) = self[.seed] { return seed }
    return 0
  }

  /// The first 8 characters of the id, as `list` shows them.
  public var shortID: String { String(id.prefix(8)) }
}

/// Everything `show` prints about one run beyond its `StoredRun` row.
public struct RunDetails: Sendable {
  public var run: StoredRun
  public var datasetHash: String
  public var trackerVersion: String
  public var host: String
  public var pid: Int64?
  public var command: String
  public var error: String?
  public var divergedAt: Int64?
  /// Every evaluation, by iteration.
  public var evaluations: [(iteration: Int, trainAccuracy: Double, testAccuracy: Double)]
  /// Number of loss rows, and how many of them were NaN/inf (stored NULL).
  public var lossCount: Int
  public var nonFiniteLossCount: Int
}
