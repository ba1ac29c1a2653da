// CompareReport: `tracker compare` output, one row per group of comparable
// runs, in each --format; plus the Welch test when exactly two groups are shown.
import Foundation
import TrackerStore

public struct CompareReport: FormattedReport {
  public let groups: [RunGroup]
  /// The margin the learning starts were computed with.
  public let margin: Double
  /// Lines drawn between the table and its notes (the groups' test accuracy
  /// sparklines, `Sparkline.compareLines`); table format only.
  public var curves: [String] = []
  /// The terminal's width: the table format fits it.
  public var width = 80

  public init(groups: [RunGroup], margin: Double, curves: [String] = []) {
    self.groups = groups
    self.margin = margin
    self.curves = curves
  }

  /// Welch's test of the first group's mean final test accuracy minus the
  /// second's; nil unless exactly two groups are compared.
  var welch: WelchTest? {
    guard groups.count == 2 else { return nil }
    return WelchTest(groups[0].finalTestAccuracies, groups[1].finalTestAccuracies)
  }

  // MARK: - For people

  /// The cells of one group as the table and Markdown show them.
  private func cells(_ group: RunGroup) -> [String] {
    let accuracy = group.finalTestAccuracy
    return [
      group.label, String(group.seeds), Format.percent(accuracy?.mean),
      Format.percent(accuracy?.standardDeviation), Format.percent(accuracy?.minimum),
      Format.percent(accuracy?.maximum), Format.percent(group.bestTestAccuracy?.maximum),
      Format.iteration(group.learningStartMedian), String(group.neverStarted),
      Format.loss(group.finalLoss?.mean), Format.duration(group.duration?.mean),
    ]
  }

  public func table() -> String {
    typealias Column = TextTable.Column
    let table = TextTable(
      columns: [
        Column(title: "group", alignment: .left, cuttable: true), Column(title: "seeds"),
        Column(title: "mean"),
        Column(title: "sd"), Column(title: "min"), Column(title: "max"),
        Column(title: "acc %", top: "best"), Column(title: "start"), Column(title: "never"),
        Column(title: "loss", top: "final"), Column(title: "time", top: "mean"),
      ],
      spans: [
        .init(title: "final test acc %", columns: 2...5), .init(title: "learning", columns: 7...8),
      ],
      rows: groups.map(cells))
    var fitted = table
    fitted.maximumWidth = max(60, width)
    // The settings every group shares, said once (with one group, its label says none).
    let header = CurveCharts.settingsNote(groups).flatMap { Self.wrap($0, width: max(60, width)) }
    return (header.map { $0 + "\n" }.joined()) + fitted.render()
      + (curves + notes()).map { $0 + "\n" }.joined()
  }

  /// `text` in lines of at most `width` characters, broken at spaces.
  static func wrap(_ text: String, width: Int) -> [String] {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
      if !line.isEmpty && line.count + 1 + word.count > width {
        lines.append(line)
        line = ""
      }
      line += (line.isEmpty ? "" : " ") + word
    }
    return line.isEmpty ? lines : lines + [line]
  }

  public func markdown() -> String {
    let header = [
      "group", "seeds", "final test acc % (mean)", "sd", "min", "max", "best test acc %",
      "learning start (median)", "never started", "final loss (mean)", "time (mean)",
    ]
    let table = Markdown.table(
      header: header, rightAligned: [false] + Array(repeating: true, count: header.count - 1),
      rows: groups.map(cells))
    return table + "\n" + notes().joined(separator: "\n") + "\n"
  }

  /// What the columns mean, the duplicates left out, and the two-group test.
  func notes() -> [String] {
    var lines = [
      "learning start: median over runs of the first evaluation from which test",
      "accuracy stays >= baseline + \(Format.plain(margin)); never: runs where that never happens.",
    ]
    lines += duplicatesNote()
    guard groups.count == 2 else { return lines }
    let (a, b) = (groups[0].label, groups[1].label)
    if let welch {
      lines.append(
        "\(a) - \(b): \(Format.points(welch.difference)) points of mean final test accuracy,")
      lines.append(
        "95% CI [\(Format.points(welch.lower)), \(Format.points(welch.upper))], Welch t = "
          + String(format: "%.2f", welch.t) + ", df = "
          + String(format: "%.1f", welch.degreesOfFreedom)
          + ", p = \(Format.pValue(welch.pValue))")
    } else if groups.contains(where: { $0.finalTestAccuracies.count < 2 }) {
      lines.append("\(a) vs \(b): no t-test; each group needs 2 or more runs with a test accuracy.")
    } else {
      lines.append("\(a) vs \(b): no t-test; the final test accuracy varies in neither group.")
    }
    return lines
  }

  /// "adam 4 seeds (2 duplicate runs not counted)" for each group with runs
  /// that repeat a configuration and seed; none when there are none.
  func duplicatesNote() -> [String] {
    let repeated = groups.filter { $0.duplicates > 0 }
    guard !repeated.isEmpty else { return [] }
    return repeated.map {
      "\($0.label) \($0.seeds) \($0.seeds == 1 ? "seed" : "seeds") (\($0.duplicates) duplicate"
        + " \($0.duplicates == 1 ? "run" : "runs") not counted)"
    } + ["each seed counts once: the earliest run of it; see 'tracker list --duplicates'"]
  }

  // MARK: - For programs

  /// One object per group. The keys optimizer, params, runs,
  /// final_test_acc_{mean,std,min,max}, learning_start_median and
  /// never_started are promised to scripts (issue 3); the rest may grow.
  /// `runs` counts stored runs; `seeds` the distinct seeds the statistics are
  /// over, and `duplicates` the runs that repeat one (issue 9).
  public func json() -> String {
    let test = welch
    return JSONValue.array(
      groups.enumerated().map { index, group in
        var members: [(String, JSONValue)] = [
          ("label", .string(group.label)),
          ("optimizer", .string(group.optimizer)),
          (
            "params",
            .object(
              group.parameters.map {
                ($0.parameter.rawValue, .sql($0.value, boolean: $0.parameter.kind == .boolean))
              })
          ),
          ("runs", .int(Int64(group.runs.count))),
          ("seeds", .int(Int64(group.seeds))),
          ("duplicates", .int(Int64(group.duplicates))),
          ("final_test_acc_mean", .number(group.finalTestAccuracy?.mean)),
          ("final_test_acc_std", .number(group.finalTestAccuracy?.standardDeviation)),
          ("final_test_acc_min", .number(group.finalTestAccuracy?.minimum)),
          ("final_test_acc_max", .number(group.finalTestAccuracy?.maximum)),
          ("best_test_acc_mean", .number(group.bestTestAccuracy?.mean)),
          ("best_test_acc_max", .number(group.bestTestAccuracy?.maximum)),
          ("learning_start_median", .iteration(group.learningStartMedian)),
          ("never_started", .int(Int64(group.neverStarted))),
          ("learning_margin", .number(margin)),
          ("final_loss_mean", .number(group.finalLoss?.mean)),
          ("duration_mean_s", .number(group.duration?.mean)),
          ("run_ids", .array(group.runs.map { .string($0.id) })),
        ]
        if let test {
          // Both groups carry the test, each as "this minus the other".
          let sign = index == 0 ? 1.0 : -1.0
          let (lower, upper) = index == 0 ? (test.lower, test.upper) : (-test.upper, -test.lower)
          members.append(
            (
              "welch",
              .object([
                ("versus", .string(groups[1 - index].label)),
                ("difference", .number(sign * test.difference)),
                ("ci95_low", .number(lower)), ("ci95_high", .number(upper)),
                ("t", .number(sign * test.t)), ("df", .number(test.degreesOfFreedom)),
                ("p_value", .number(test.pValue)),
              ])
            ))
        }
        return .object(members)
      }
    ).rendered()
  }

  /// One line per group; fractions and seconds as stored, empty for none.
  public func csv() -> String {
    let parameters = HyperParameter.grouping
    let header =
      ["label", "optimizer"] + parameters.map(\.rawValue) + [
        "runs", "final_test_acc_mean", "final_test_acc_std", "final_test_acc_min",
        "final_test_acc_max", "best_test_acc_mean", "best_test_acc_max", "learning_start_median",
        "never_started", "learning_margin", "final_loss_mean", "duration_mean_s", "seeds",
        "duplicates",
      ]
    func number(_ value: Double?) -> String { value.map { String($0) } ?? "" }
    let rows = groups.map { group in
      [group.label, group.optimizer]
        + parameters.map { $0.display(group.value($0)) ?? "" }
        + [
          String(group.runs.count), number(group.finalTestAccuracy?.mean),
          number(group.finalTestAccuracy?.standardDeviation),
          number(group.finalTestAccuracy?.minimum), number(group.finalTestAccuracy?.maximum),
          number(group.bestTestAccuracy?.mean), number(group.bestTestAccuracy?.maximum),
          group.learningStartMedian.map { Format.iteration($0) } ?? "", String(group.neverStarted),
          number(margin),
          number(group.finalLoss?.mean), number(group.duration?.mean), String(group.seeds),
          String(group.duplicates),
        ]
    }
    return CSV.render(header: header, rows: rows)
  }
}
