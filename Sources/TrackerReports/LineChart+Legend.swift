// LineChart+Legend: the legend's entries laid out inside the plot (one column)
// or below it (as many columns as fit), with long labels wrapped onto more
// lines rather than running past the figure's edge.
import Foundation

extension LineChart {
  /// An entry relative to the legend box: its series, the middle of its first
  /// line, its lines.
  typealias LegendItem = (series: Int, x: Double, y: Double, lines: [String])

  /// Space before an entry's text: the swatch (10 + 24) and a gap.
  static let swatchRoom = 42.0
  /// Height of each line after an entry's first.
  static let legendLine = 16.0

  private func lines(_ index: Int, maximumText: Double) -> [String] {
    SVG.wrap(series[index].label, size: Self.legendSize, width: maximumText)
  }

  private static func textWidth(_ lines: [String]) -> Double {
    lines.map { SVG.textWidth($0, size: legendSize) }.max() ?? 0
  }

  private static func entryHeight(_ lines: [String]) -> Double {
    legendRow + legendLine * Double(max(0, lines.count - 1))
  }

  /// One column, labels wrapped at `maximumText` pixels.
  func insideLegend(_ entries: [Int], maximumText: Double) -> (
    width: Double, height: Double, items: [LegendItem]
  ) {
    var items: [LegendItem] = []
    var y = 8.0
    var text = 0.0
    for index in entries {
      let lines = lines(index, maximumText: maximumText)
      items.append((index, 0, y + Self.legendRow / 2, lines))
      y += Self.entryHeight(lines)
      text = max(text, Self.textWidth(lines))
    }
    return (Self.swatchRoom + text + 12, y + 4, items)
  }

  /// Row by row in as many equal columns as fit in the figure's width less
  /// 16 pixels each side, centred.
  func belowLegend(_ entries: [Int]) -> (width: Double, height: Double, items: [LegendItem]) {
    let available = width - 32
    let maximumText = available - Self.swatchRoom - 16
    let wrapped = entries.map { ($0, lines($0, maximumText: maximumText)) }
    let column = min(
      available, Self.swatchRoom + (wrapped.map { Self.textWidth($0.1) }.max() ?? 0) + 16)
    let columns = max(1, min(entries.count, Int(available / column)))
    var items: [LegendItem] = []
    var y = 8.0
    for start in stride(from: 0, to: wrapped.count, by: columns) {
      let row = wrapped[start..<min(wrapped.count, start + columns)]
      for (offset, entry) in row.enumerated() {
        items.append((entry.0, Double(offset) * column, y + Self.legendRow / 2, entry.1))
      }
      y += row.map { Self.entryHeight($0.1) }.max() ?? Self.legendRow
    }
    let boxWidth = Double(columns) * column
    let shift = (available - boxWidth) / 2
    return (boxWidth, y + 4, items.map { ($0.series, $0.x + shift, $0.y, $0.lines) })
  }
}

extension SVG {
  /// `text` in lines no wider than `width` pixels at `size` (by
  /// `textWidth`), broken at spaces; a word too long for a line is cut and
  /// ends in "…".
  static func wrap(_ text: String, size: Double, width: Double) -> [String] {
    let fits = max(1, Int(width / (size * charWidth)))
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
      let word = word.count > fits ? String(word.prefix(fits - 1)) + "…" : word
      if line.isEmpty {
        line = word
      } else if line.count + 1 + word.count <= fits {
        line += " " + word
      } else {
        lines.append(line)
        line = word
      }
    }
    if !line.isEmpty || lines.isEmpty { lines.append(line) }
    return lines
  }
}
