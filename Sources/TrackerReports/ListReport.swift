// ListReport: `tracker list` output, one line per run, in each --format.
import Foundation
import TrackerStore

public struct ListReport: FormattedReport {
  public let runs: [StoredRun]
  /// The terminal's width: the table format fits it, cutting the settings
  /// and labels with "…" (json and csv keep everything).
  public var width = 80
  /// The settings that differ among the runs (but the seed, which has its
  /// own column): the "settings" column, so two adam seed-3 runs at lr 0.001
  /// and 0.1 look different.
  let differing: [HyperParameter]

  public init(runs: [StoredRun], width: Int = 80) {
    self.runs = runs
    self.width = width
    differing = RunComparison.distinguishing(runs)
  }

  /// Fitted to `width`: settings cut with "…" when they don't fit, and then
  /// shown only where a run departs from what most runs have.
  public func table() -> String {
    var full = table(settings: { RunComparison.settings($0, differing) })
    full.maximumWidth = max(60, width)
    let rendered = full.render()
    // Only when fitting the width cut settings ("…") and some are usual.
    guard rendered.contains("…"), !usual.isEmpty else { return rendered }
    // Too wide: each run shows only where it departs from what most runs
    // have, which is said once below, so 80 columns still tell runs apart.
    var short = table(settings: shortSettings)
    short.maximumWidth = max(60, width)
    let note =
      "settings not shown are as most runs have them: "
      + usual.compactMap { item in
        item.parameter.display(item.value).map { "\(item.parameter.rawValue)=\($0)" }
      }.joined(separator: " ")
    return short.render()
      + CompareReport.wrap(note, width: max(60, width)).map { $0 + "\n" }.joined()
  }

  public func markdown() -> String {
    let header = [
      "id", "optimizer", "seed", "status", "final test acc %", "learning start",
      "started (UTC)", "settings", "name / tags",
    ]
    return Markdown.table(
      header: header, rightAligned: [false, false, true, false, true, true, false, false, false],
      rows: runs.map(cells))
  }

  /// The table, with `settings` as each run's settings cell; without that
  /// column when no setting differs.
  private func table(settings: (StoredRun) -> String) -> TextTable {
    let columns: [TextTable.Column] = [
      .init(title: "id", alignment: .left), .init(title: "optimizer", alignment: .left),
      .init(title: "seed"), .init(title: "status", alignment: .left),
      .init(title: "acc %", top: "test"), .init(title: "start", top: "learning"),
      .init(title: "started (UTC)", alignment: .left),
      .init(title: "settings", alignment: .left, cuttable: true),
      .init(title: "name / tags", alignment: .left),
    ]
    var table = TextTable(
      columns: columns,
      rows: runs.map { run in
        var row = cells(run)
        row[7] = settings(run)
        return row
      })
    // No settings differ, or no run has a name or tags: no such column.
    let unnamed = runs.allSatisfy { $0.name == nil && $0.tags.isEmpty }
    for (column, empty) in [(8, unnamed), (7, differing.isEmpty)] where empty {
      table.columns.remove(at: column)
      table.rows = table.rows.map {
        var row = $0
        row.remove(at: column)
        return row
      }
    }
    return table
  }

  /// Each differing setting with the value more than half of the runs have.
  var usual: [(parameter: HyperParameter, value: SQLValue)] {
    differing.compactMap { parameter in
      let counts = Dictionary(runs.map { ($0[parameter], 1) }, uniquingKeysWith: +)
      guard let (value, count) = counts.max(by: { $0.value < $1.value }), count * 2 > runs.count,
        value != .null
      else { return nil }
      return (parameter, value)
    }
  }

  /// `run`'s differing settings but those at their usual value.
  private func shortSettings(_ run: StoredRun) -> String {
    let usual = self.usual
    let shown = differing.filter { parameter in
      !usual.contains { $0.parameter == parameter && $0.value == run[parameter] }
    }
    return RunComparison.settings(run, shown)
  }

  private func cells(_ run: StoredRun) -> [String] {
    let label = ([run.name].compactMap { $0 } + run.tags.map { "\($0.key)=\($0.value)" })
      .joined(separator: " ")
    return [
      run.shortID, run.optimizer, String(run.seed), run.status.rawValue,
      Format.percent(run.summary.finalTestAccuracy),
      Format.iteration(run.summary.learningStart.map(Double.init)), Format.minute(run.startedAt),
      RunComparison.settings(run, differing), label,
    ]
  }

  public func json() -> String {
    JSONValue.array(runs.map { run in .object(Self.members(run)) }).rendered()
  }

  /// A run as JSON members; `show --format json` adds to these.
  static func members(_ run: StoredRun) -> [(String, JSONValue)] {
    let summary = run.summary
    return [
      ("id", .string(run.id)), ("short_id", .string(run.shortID)), ("name", .string(run.name)),
      ("status", .string(run.status.rawValue)), ("optimizer", .string(run.optimizer)),
      ("seed", .int(run.seed)),
      (
        "params",
        .object(
          HyperParameter.grouping.map {
            ($0.rawValue, .sql(run[$0], boolean: $0.kind == .boolean))
          })
      ),
      ("started_at", .string(run.startedAt)), ("ended_at", .string(run.endedAt)),
      ("duration_s", .number(run.durationSeconds)),
      ("final_test_acc", .number(summary.finalTestAccuracy)),
      ("best_test_acc", .number(summary.bestTestAccuracy)),
      ("final_loss", .number(summary.finalLoss)),
      ("learning_start", .int(summary.learningStart)),
      ("learning_margin", .number(summary.margin)), ("baseline", .number(summary.baseline)),
      ("tags", .object(run.tags.map { ($0.key, .string($0.value)) })),
    ]
  }

  public func csv() -> String {
    let parameters = HyperParameter.grouping
    let header =
      [
        "id", "name", "status", "optimizer", "seed", "final_test_acc", "best_test_acc",
        "final_loss", "learning_start", "started_at", "duration_s", "tags",
      ] + parameters.map(\.rawValue)
    func number(_ value: Double?) -> String { value.map { String($0) } ?? "" }
    let rows = runs.map { run in
      [
        run.id, run.name ?? "", run.status.rawValue, run.optimizer, String(run.seed),
        number(run.summary.finalTestAccuracy), number(run.summary.bestTestAccuracy),
        number(run.summary.finalLoss), run.summary.learningStart.map { String($0) } ?? "",
        run.startedAt, number(run.durationSeconds),
        run.tags.map { "\($0.key)=\($0.value)" }.joined(separator: ";"),
      ] + parameters.map { $0.display(run[$0]) ?? "" }
    }
    return CSV.render(header: header, rows: rows)
  }
}
