// TextTable: aligned plain-text tables for the terminal, with an optional
// header row above the column titles whose labels span several columns.
import TrackerStore

struct TextTable {
  enum Alignment { case left, right }

  struct Column {
    var title: String
    var alignment: Alignment = .right
    /// Text above the title, for a column not covered by a span.
    var top: String = ""
    /// Whether the column may be cut to fit `maximumWidth` (labels and
    /// settings, whose full text json and csv give; not names and tags).
    var cuttable = false
  }

  /// A label centred above `columns`, e.g. "final test accuracy %" above
  /// mean, sd, min and max.
  struct Span {
    var title: String
    var columns: ClosedRange<Int>
  }

  var columns: [Column]
  var spans: [Span] = []
  var rows: [[String]] = []
  /// The widest line wanted. Gaps between columns are 2 spaces, or when that
  /// is too wide 1 space inside spans (and 2 between them), or else 1.
  var maximumWidth = 80

  init(columns: [Column], spans: [Span] = [], rows: [[String]] = []) {
    self.columns = columns
    self.spans = spans
    self.rows = rows
  }

  /// The narrowest a left-aligned column is cut to when the table is too wide.
  static let shortestCut = 12

  /// The table as lines joined by "\n", with a final newline. Trailing spaces
  /// are trimmed. When the table is wider than `maximumWidth` even with
  /// 1-space gaps, the widest `cuttable` columns (labels, settings) are cut,
  /// their cells ending in "…"; json and csv keep the full text.
  func render() -> String {
    // User text (names, tags) may hold line breaks or escape codes that would
    // break the row or drive the terminal: show them as escapes.
    let escaped = rows.map { $0.map(\.escapingControlCharacters) }
    var widths = columns.map { max($0.title.count, $0.top.count) }
    for row in escaped {
      precondition(
        row.count == columns.count, "a row has \(row.count) cells for \(columns.count) columns")
      for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    var excess = widths.reduce(0, +) + max(0, columns.count - 1) - maximumWidth
    while excess > 0 {
      let cuttable = columns.indices.filter {
        columns[$0].cuttable && widths[$0] > max(Self.shortestCut, columns[$0].title.count)
      }
      guard let widest = cuttable.max(by: { widths[$0] < widths[$1] }) else { break }
      let cut = min(excess, widths[widest] - max(Self.shortestCut, columns[widest].title.count))
      widths[widest] -= cut
      excess -= cut
    }
    let rows = escaped.map { row in
      row.enumerated().map { index, cell in
        cell.count > widths[index] ? String(cell.prefix(widths[index] - 1)) + "…" : cell
      }
    }
    // gaps[i] is the space before column i + 1.
    let boundaries = max(0, columns.count - 1)
    let insideSpan = (0..<boundaries).map { i in
      spans.contains { $0.columns.contains(i) && $0.columns.contains(i + 1) }
    }
    let candidates = [
      Array(repeating: 2, count: boundaries), insideSpan.map { $0 ? 1 : 2 },
      Array(repeating: 1, count: boundaries),
    ]
    let total = widths.reduce(0, +)
    let gaps = candidates.first { total + $0.reduce(0, +) <= maximumWidth } ?? candidates[2]
    func spanWidth(_ span: Span) -> Int {
      span.columns.map { widths[$0] }.reduce(0, +)
        + span.columns.dropLast().map { gaps[$0] }.reduce(0, +)
    }
    // Widen the last column under a span whose title is wider than the columns.
    for span in spans where span.title.count > spanWidth(span) {
      widths[span.columns.upperBound] += span.title.count - spanWidth(span)
    }
    func space(before column: Int) -> String {
      column == 0 ? "" : String(repeating: " ", count: gaps[column - 1])
    }

    func line(_ cells: [String]) -> String {
      cells.indices.map { index in
        space(before: index) + pad(cells[index], widths[index], columns[index].alignment)
      }
      .joined().trimmingTrailingSpaces()
    }

    var lines: [String] = []
    if !spans.isEmpty || columns.contains(where: { !$0.top.isEmpty }) {
      var top = ""
      var index = 0
      while index < columns.count {
        top += space(before: index)
        if let span = spans.first(where: { $0.columns.lowerBound == index }) {
          let width = spanWidth(span)
          let left = (width - span.title.count) / 2
          top +=
            String(repeating: " ", count: left) + span.title
            + String(repeating: " ", count: width - left - span.title.count)
          index = span.columns.upperBound + 1
        } else {
          top += pad(columns[index].top, widths[index], columns[index].alignment)
          index += 1
        }
      }
      lines.append(top.trimmingTrailingSpaces())
    }
    lines.append(line(columns.map(\.title)))
    lines += rows.map(line)
    return lines.joined(separator: "\n") + "\n"
  }

  private func pad(_ text: String, _ width: Int, _ alignment: Alignment) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return alignment == .left ? text + fill : fill + text
  }
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var text = self
    while text.last == " " { text.removeLast() }
    return text
  }
}
