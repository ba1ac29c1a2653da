// SVG: XML escaping and a tiny element writer for the charts. Plain string
// building: every attribute value and text node goes through `XML.escape`,
// every number through `SVG.number`, so the output is always well-formed.
import Foundation
import TrackerStore

public enum XML {
  /// `text` with the five XML special characters replaced by entities, safe
  /// in text nodes and in double- or single-quoted attribute values. Control
  /// characters other than tab and line breaks, which XML 1.0 forbids even as
  /// references, become U+FFFD.
  public static func escape(_ text: String) -> String {
    text.replacingScalars { scalar in
      switch scalar {
      case "&": "&amp;"
      case "<": "&lt;"
      case ">": "&gt;"
      case "\"": "&quot;"
      case "'": "&apos;"
      case "\t", "\n", "\r": nil
      case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
        "\u{FFFD}"
      default: nil
      }
    }
  }
}

/// The report's pages and `tracker serve`'s are HTML written as well-formed
/// XML, so the XML escaping serves them: `&apos;` and U+FFFD mean to an HTML
/// parser what they mean to an XML one.
public enum HTML {
  public static func escape(_ text: String) -> String { XML.escape(text) }
}

/// Collects SVG (or any XML) markup.
struct SVGWriter {
  private(set) var text = ""

  /// `<name a="v" .../>`, or with `text` (escaped) `<name ...>text</name>`.
  mutating func element(
    _ name: String, _ attributes: KeyValuePairs<String, String>, text content: String? = nil
  ) {
    text += "<" + name + Self.attributes(attributes)
    text += content.map { ">" + XML.escape($0) + "</\(name)>\n" } ?? "/>\n"
  }

  /// `<name ...>` for a container; end it with `close(name)`.
  mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
    text += "<" + name + Self.attributes(attributes) + ">\n"
  }

  mutating func close(_ name: String) {
    text += "</\(name)>\n"
  }

  private static func attributes(_ attributes: KeyValuePairs<String, String>) -> String {
    attributes.map { " \($0.key)=\"\(XML.escape($0.value))\"" }.joined()
  }

  /// Starts a chart `width` by `height` pixels, with its `title` (what screen
  /// readers and tooltips give) and a white background. `standalone`: a
  /// complete file with the XML declaration and namespace; otherwise an
  /// `<svg>` element to inline in HTML. End it with `close("svg")`.
  mutating func openChart(width: Double, height: Double, standalone: Bool, title: String) {
    let size = (SVG.number(width), SVG.number(height))
    let viewBox = "0 0 \(size.0) \(size.1)"
    if standalone {
      raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
      open(
        "svg",
        [
          "xmlns": "http://www.w3.org/2000/svg", "version": "1.1", "width": size.0,
          "height": size.1, "viewBox": viewBox, "font-family": SVG.fontFamily,
        ])
    } else {
      open(
        "svg",
        [
          "class": "chart", "width": size.0, "height": size.1, "viewBox": viewBox,
          "font-family": SVG.fontFamily, "role": "img",
        ])
    }
    element("title", [:], text: title)
    element("rect", ["x": "0", "y": "0", "width": size.0, "height": size.1, "fill": "#FFFFFF"])
  }

  /// Markup that is already well-formed.
  mutating func raw(_ markup: String) {
    text += markup
  }
}

enum SVG {
  /// A coordinate with at most two decimals and no trailing zeros: enough
  /// for screen pixels, and short (a 1,000-point path stays small).
  static func number(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let rounded = (value * 100).rounded() / 100
    if rounded == rounded.rounded() { return String(Int64(rounded)) }
    var text = String(format: "%.2f", rounded)
    while text.hasSuffix("0") { text.removeLast() }
    return text
  }

  /// Path data through `points`: `M x y L x y ...`.
  static func polyline(_ points: [(x: Double, y: Double)]) -> String {
    var data = ""
    for (index, point) in points.enumerated() {
      data += (index == 0 ? "M" : " L") + number(point.x) + " " + number(point.y)
    }
    return data
  }

  /// The font stack of every chart: DejaVu Sans is what Debian's rsvg-convert
  /// and Chromium find; the others are for browsers elsewhere.
  static let fontFamily = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif"

  /// Estimated width of `text` in pixels at `size`: DejaVu Sans averages
  /// about 0.6 em per character (digits 0.64), so 0.62 errs on the wide side
  /// and layouts based on it leave room rather than overlap.
  static func textWidth(_ text: String, size: Double) -> Double {
    Double(text.count) * size * charWidth
  }

  /// Estimated width of one character in em (see `textWidth`).
  public static let charWidth = 0.62
}
