// RunDiffReport: `tracker show A B`: two runs side by side, the settings that
// differ between them and both summaries; the settings they share said once.
import Foundation
import TrackerStore

public struct RunDiffReport {
  public let a: StoredRun
  public let b: StoredRun

  public init(_ a: StoredRun, _ b: StoredRun) {
    self.a = a
    self.b = b
  }

  /// The grouping parameters whose values differ (NULL counts: adam's beta1
  /// beside sgd's none is a difference).
  var differing: [HyperParameter] { RunComparison.differing([a, b]) }

  public func text() -> String {
    var rows: [[String]] = []
    func row(_ name: String, _ value: (StoredRun) -> String) {
      rows.append([name, value(a), value(b)])
    }
    row("name") { $0.name ?? "-" }
    row("status") { $0.status.rawValue }
    if a.optimizer != b.optimizer { row("optimizer") { $0.optimizer } }
    if a.seed != b.seed { row("seed") { String($0.seed) } }
    for parameter in differing {
      row(parameter.rawValue) { parameter.display($0[parameter]) ?? "-" }
    }
    let settingsRows = rows.count
    row("final test acc %") { Format.percent($0.summary.finalTestAccuracy) }
    row("best test acc %") { Format.percent($0.summary.bestTestAccuracy) }
    row("final loss") { Format.loss($0.summary.finalLoss) }
    row("learning start") { Format.iteration($0.summary.learningStart.map(Double.init)) }
    row("duration") { Format.duration($0.durationSeconds) }
    row("started (UTC)") { Format.minute($0.startedAt) }
    var table = TextTable(
      columns: [
        .init(title: "", alignment: .left), .init(title: a.shortID, alignment: .left),
        .init(title: b.shortID, alignment: .left),
      ],
      rows: rows)
    table.maximumWidth = 100
    var lines = table.render().split(separator: "\n", omittingEmptySubsequences: false).map(
      String.init)
    // A blank line between the settings and the summary.
    lines.insert("", at: 1 + settingsRows)
    var same = RunComparison.shared([a, b])
    if a.seed == b.seed { same.insert("seed=\(a.seed)", at: same.isEmpty ? 0 : 1) }
    let summary =
      differing.isEmpty && a.optimizer == b.optimizer && a.seed == b.seed
      ? "the two runs have the same settings" : "settings that differ above"
    let both =
      same.isEmpty ? [] : CompareReport.wrap("both: " + same.joined(separator: " "), width: 80)
    return lines.joined(separator: "\n") + both.map { $0 + "\n" }.joined()
      + "(\(summary); accuracies in percent)\n"
  }

  /// Both runs as `list --format json` gives them, and the keys that differ.
  public func json() -> String {
    var keys = differing.map(\.rawValue)
    if a.seed != b.seed { keys.insert("seed", at: 0) }
    if a.optimizer != b.optimizer { keys.insert("optimizer", at: 0) }
    return JSONValue.object([
      ("runs", .array([.object(ListReport.members(a)), .object(ListReport.members(b))])),
      ("differing", .array(keys.map { .string($0) })),
    ]).rendered()
  }
}
