// ListReport: `tracker list` output, one line per run, in each --format.
import Foundation
import TrackerStore

public struct ListReport {
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
    // An optimizer's own settings (adam's beta1) count only when they differ
    // among that optimizer's runs: beside sgd's none they say nothing new.
    let byOptimizer = Dictionary(grouping: runs, by: \.optimizer).values
    differing = RunComparison.differing(runs).filter { parameter in
      parameter.kind != .optionalReal
        || byOptimizer.contains { Set($0.map { $0[parameter] }).count > 1 }
    }
  }

  public func render(_ format: OutputFormat) -> String {
    switch format {
    case .table:
      let columns: [TextTable.Column] = [
        .init(title: "id", alignment: .left), .init(title: "optimizer", alignment: .left),
        .init(title: "seed"), .init(title: "status", alignment: .left),
        .init(title: "acc %", top: "test"), .init(title: "start", top: "learning"),
        .init(title: "started (UTC)", alignment: .left),
        .init(title: "settings", alignment: .left, cuttable: true),
        .init(title: "name / tags", alignment: .left),
      ]
      var table = TextTable(columns: columns, rows: runs.map(cells))
      if differing.isEmpty {
        // Nothing differs: no settings column.
        table.columns.remove(at: 7)
        table.rows = table.rows.map {
          var row = $0
          row.remove(at: 7)
          return row
        }
      }
      table.maximumWidth = max(60, width)
      return table.render()
    case .markdown:
      let header = [
        "id", "optimizer", "seed", "status", "final test acc %", "learning start",
        "started (UTC)", "settings", "name / tags",
      ]
      return Markdown.table(
        header: header, rightAligned: [false, false, true, false, true, true, false, false, false],
        rows: runs.map(cells))
    case .json: return json()
    case .csv: return csv()
    }
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

  func json() -> String {
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

  func csv() -> String {
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
