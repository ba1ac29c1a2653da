// Sparkline: a curve as one line of block characters in eight levels (▁ 0% to
// █ 100%): a run's test accuracy in `show` and in the report's tables, and the
// mean test accuracy of each group under the `compare` table.
import Foundation
import TrackerStore

public enum Sparkline {
  /// Eight levels from 0 to 100%.
  static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

  /// The character of `fraction` (0 to 1); a blank for NaN or infinity.
  static func level(_ fraction: Double) -> Character {
    guard fraction.isFinite else { return " " }
    return levels[max(0, min(levels.count - 1, Int(fraction * Double(levels.count))))]
  }

  /// One character per value, or per bucket of consecutive values (their
  /// mean) when there are more than `width`; values are fractions in [0, 1].
  static func line(_ values: [Double], width: Int) -> String {
    guard !values.isEmpty, width > 0 else { return "" }
    let count = min(values.count, width)
    var line = ""
    for index in 0..<count {
      let bucket = values[index * values.count / count..<(index + 1) * values.count / count]
      line.append(level(bucket.reduce(0, +) / Double(bucket.count)))
    }
    return line
  }

  /// At most this many runs of a group are averaged for its sparkline
  /// (`RunStore.bands(_:of:runsPerGroup:)` samples them): eight levels cannot
  /// show the difference, and compare stays fast on databases of thousands of
  /// runs (it otherwise reads no metric rows at all).
  public static let runsPerGroup = 50

  /// Lines for under the `compare` table: each group's mean test accuracy by
  /// evaluation, labels aligned, within `width` columns (at least 60). `curves` are the groups'
  /// test accuracy bands, over at most `runsPerGroup` runs each. Empty when no
  /// group has evaluations.
  public static func compareLines(_ curves: [GroupCurve], width terminal: Int = 80) -> [String] {
    guard curves.contains(where: { !$0.band.isEmpty }) else { return [] }
    let sampled = curves.contains { $0.group.samples.count > runsPerGroup }
    let terminal = max(60, terminal)
    // Whole labels where the line keeps 20 columns for the curve; cut beyond.
    let labelWidth = min(terminal - 2 - 2 - 20, curves.map(\.group.label.count).max() ?? 0)
    let width = min(60, terminal - 2 - labelWidth - 2)
    let ranges = Set(
      curves.filter { !$0.band.isEmpty }.map { [$0.band[0].iteration, $0.band.last!.iteration] })
    let range =
      ranges.count == 1
      ? "iterations \(ranges.first![0])-\(ranges.first![1])" : "first to last evaluation"
    let sample = sampled ? ", at most \(runsPerGroup) runs per group" : ""
    var lines = ["test accuracy, mean over runs (\(range)\(sample); ▁ 0% to █ 100%):"]
    for curve in curves {
      var label = curve.group.label
      if label.count > labelWidth { label = String(label.prefix(labelWidth - 1)) + "…" }
      let spark =
        curve.band.isEmpty ? "(no evaluations)" : line(curve.band.map(\.mean), width: width)
      lines.append(
        "  " + label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  " + spark)
    }
    return lines
  }
}
