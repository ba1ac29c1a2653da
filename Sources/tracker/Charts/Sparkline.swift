// Sparkline: a curve as one line of block characters, the same eight levels
// (▁ 0% to █ 100%) that `show` draws a run's test accuracy with; here also the
// mean test accuracy of each group under the `compare` table.
import Foundation
import TrackerStore

enum Sparkline {
  /// One character per value, or per bucket of consecutive values (their
  /// mean) when there are more than `width`; values are fractions in [0, 1].
  static func line(_ values: [Double], width: Int) -> String {
    guard !values.isEmpty, width > 0 else { return "" }
    let count = min(values.count, width)
    var line = ""
    for index in 0..<count {
      let bucket = values[index * values.count / count..<(index + 1) * values.count / count]
      line.append(RunDetailsReport.level(bucket.reduce(0, +) / Double(bucket.count)))
    }
    return line
  }

  /// At most this many runs of a group are averaged for its sparkline: eight
  /// levels cannot show the difference, and compare stays fast on databases
  /// of thousands of runs (it otherwise reads no metric rows at all).
  static let runsPerGroup = 50

  /// Lines for under the `compare` table: each group's mean test accuracy by
  /// evaluation, labels aligned, within 80 columns. Empty when no group has
  /// evaluations.
  static func compareLines(_ groups: [RunGroup], store: RunStore) throws -> [String] {
    var curves: [(label: String, band: [BandPoint])] = []
    var sampled = false
    for group in groups {
      var runs = group.runs
      if runs.count > runsPerGroup {
        sampled = true
        // Evenly spaced over the group (in recording order), not the first ones.
        runs = (0..<runsPerGroup).map { group.runs[$0 * group.runs.count / runsPerGroup] }
      }
      curves.append((group.label, try store.band(.testAccuracy, over: runs)))
    }
    guard curves.contains(where: { !$0.band.isEmpty }) else { return [] }
    let labelWidth = min(24, curves.map(\.label.count).max() ?? 0)
    let width = min(60, 80 - 2 - labelWidth - 2)
    let ranges = Set(
      curves.filter { !$0.band.isEmpty }.map { [$0.band[0].iteration, $0.band.last!.iteration] })
    let range =
      ranges.count == 1
      ? "iterations \(ranges.first![0])-\(ranges.first![1])" : "first to last evaluation"
    let sample = sampled ? ", at most \(runsPerGroup) runs per group" : ""
    var lines = ["test accuracy, mean over runs (\(range)\(sample); ▁ 0% to █ 100%):"]
    for curve in curves {
      var label = curve.label
      if label.count > labelWidth { label = String(label.prefix(labelWidth - 1)) + "…" }
      let spark =
        curve.band.isEmpty ? "(no evaluations)" : line(curve.band.map(\.mean), width: width)
      lines.append(
        "  " + label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  " + spark)
    }
    return lines
  }
}
