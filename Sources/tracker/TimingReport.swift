// TimingReport: where `tracker run --timing` says the time went, as a line for
// people or (`--timing-json`) one JSON object that scripts/bench-train reads.
import Foundation

struct TimingReport: Encodable {
  /// Seconds: loading the data, opening the database, the training loop (with
  /// recording), the engine alone inside it, recording (the run's insert, its
  /// metrics and its end), and the whole command.
  var data: Double
  var database: Double
  var loop: Double
  var engine: Double
  var recording: Double
  var total: Double

  var recordingPercent: Double { 100 * recording / total }

  var line: String {
    String(
      format:
        "timing: data %.3f s, database %.3f s, training loop %.3f s (engine %.3f s), recording %.4f s = %.1f%% of %.3f s",
      data, database, loop, engine, recording, recordingPercent, total)
  }

  /// One line: {"data_s":…,"database_s":…,…,"recording_percent":…}.
  var json: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
  }

  private enum CodingKeys: String, CodingKey {
    case data = "data_s"
    case database = "database_s"
    case loop = "loop_s"
    case engine = "engine_s"
    case recording = "recording_s"
    case total = "total_s"
    case recordingPercent = "recording_percent"
  }

  func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(data, forKey: .data)
    try container.encode(database, forKey: .database)
    try container.encode(loop, forKey: .loop)
    try container.encode(engine, forKey: .engine)
    try container.encode(recording, forKey: .recording)
    try container.encode(recordingPercent, forKey: .recordingPercent)
    try container.encode(total, forKey: .total)
  }
}
