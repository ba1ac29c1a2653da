// NewRun: what the CLI hands the store when a run starts. A plain value, no SQL;
// which column each training setting goes to is `RunSettings`'s business.
import Foundation

/// The description of a run, written to `runs` when it begins.
public struct NewRun: Sendable {
  /// UUID string, lower case (`UUID().uuidString.lowercased()`).
  public var id: String
  public var name: String?
  /// How the run is trained; `datasetHash` must be set.
  public var settings: RunSettings
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
    id: String, name: String? = nil, settings: RunSettings, baseline: Double? = nil,
    startedAt: Date, trackerVersion: String, host: String, pid: Int32, command: String,
    tags: [(key: String, value: String)] = []
  ) {
    self.id = id
    self.name = name
    self.settings = settings
    self.baseline = baseline
    self.startedAt = startedAt
    self.trackerVersion = trackerVersion
    self.host = host
    self.pid = pid
    self.command = command
    self.tags = tags
  }

  /// Whether `id` is a run id as the store keeps them: a UUID in lower case.
  public static func isValidID(_ id: String) -> Bool {
    UUID(uuidString: id) != nil && id == id.lowercased()
  }
}
