// DivergedRuns: compare (and sweep) count the runs whose loss became NaN or
// infinite beside the completed runs they average: a diverged run's last accuracy
// says nothing about the optimizer's accuracy, only that the settings blew up,
// but that it happened (and how often) is part of the comparison. The CLI's
// RunSelection reads them; this writes the note.
import Foundation
import TrackerStore

public enum DivergedRuns {
  /// "diverged, not averaged in: ..." with the count per group (labelled as
  /// compare labels groups, among the averaged and the diverged runs), or
  /// nil when there are none.
  public static func note(_ diverged: [StoredRun], averaged: [StoredRun], optimizerOrder: [String])
    -> String?
  {
    guard !diverged.isEmpty else { return nil }
    let ids = Set(diverged.map(\.id))
    let counts = RunComparison.groups(averaged + diverged, optimizerOrder: optimizerOrder)
      .compactMap { group -> String? in
        let count = group.runs.filter { ids.contains($0.id) }.count
        return count == 0 ? nil : "\(group.label) (\(count) \(count == 1 ? "run" : "runs"))"
      }
    let text =
      "diverged (NaN loss or blew up), not averaged in: \(counts.joined(separator: ", "));"
      + " see 'tracker list --status diverged'"
    return wrap(text, width: 80) + "\n"
  }

  /// `text` broken at spaces into lines of at most `width` characters (longer
  /// words stay whole).
  static func wrap(_ text: String, width: Int) -> String {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
      if !line.isEmpty, line.count + 1 + word.count > width {
        lines.append(line)
        line = ""
      }
      line += (line.isEmpty ? "" : " ") + word
    }
    lines.append(line)
    return lines.joined(separator: "\n")
  }
}
