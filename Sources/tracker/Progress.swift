// Progress: the live line `tracker run` redraws on a terminal (iteration /
// total, bar, loss, last test accuracy, elapsed and remaining time), and how
// to tell whether stderr is a terminal that can take it.
import Foundation
import TrackerReports

#if canImport(Glibc)
  import Glibc
#endif

/// What stderr is, decided once per run.
struct TerminalInfo: Equatable {
  /// A terminal that understands carriage return and "erase line": the live
  /// line is drawn. False for files, pipes and TERM=dumb.
  var isLive: Bool
  /// Colour the bar (SGR codes); false when NO_COLOR is set (https://no-color.org).
  var color: Bool
  /// Width in columns; the line stays one column short so it never wraps.
  var columns: Int

  static let plain = TerminalInfo(isLive: false, color: false, columns: 80)

  /// For file descriptor `fd` (stderr), with `environment`.
  static func detect(
    fd: Int32 = STDERR_FILENO,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> TerminalInfo {
    guard isatty(fd) == 1, environment["TERM"] != "dumb" else { return .plain }
    var size = winsize()
    var columns = 80
    if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
      columns = Int(size.ws_col)
    } else if let text = environment["COLUMNS"], let value = Int(text), value > 0 {
      columns = value
    }
    // "should check for a NO_COLOR environment variable that, when present and
    // not an empty string (regardless of its value), prevents the addition of
    // ANSI color" (https://no-color.org).
    let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
    return TerminalInfo(isLive: true, color: !noColor, columns: columns)
  }
}

/// The text of the live progress line; pure, so tests can check it.
struct ProgressLine {
  var total: Int
  var columns: Int
  var color: Bool

  static let escape = "\u{1B}["
  /// Carriage return, then erase the whole line.
  static let clear = "\r\u{1B}[2K"

  /// The line at `iteration` (1-based) after `elapsed` seconds; without a
  /// line break, at most `columns - 1` characters wide (escape codes aside).
  func render(iteration: Int, loss: Double?, testAccuracy: Double?, elapsed: Double) -> String {
    let fraction = total > 0 ? min(1, Double(iteration) / Double(total)) : 0
    let width = String(total).count
    let count =
      String(repeating: " ", count: max(0, width - String(iteration).count))
      + "\(iteration)/\(total)"
    let percent = String(format: "%3d%%", Int(fraction * 100))
    let lossText = "loss " + (loss.map(Self.lossText) ?? "-")
    // Percent, as every other command prints accuracy.
    let testText = "test acc " + (testAccuracy.map { Format.percent($0) + "%" } ?? "-")
    var time = Self.clock(elapsed)
    if iteration > 0, iteration < total {
      time += " (" + Self.clock(elapsed / Double(iteration) * Double(total - iteration)) + " left)"
    }
    // Widths are the widest each field gets, not this line's, so the bar does
    // not jump about from one redraw to the next.
    let widest: [String: Int] = [
      "percent": 4, "loss": "loss 0.0000".count, "test": "test acc 100.00%".count,
      "time": max(time.count, (Self.clock(elapsed) + " (0:00 left)").count),
    ]
    // The first layout that leaves the bar 16 cells: narrow terminals lose
    // the percentage (the bar says it), then the time, the test accuracy and
    // the loss.
    let layouts = [
      ["percent", "loss", "test", "time"], ["loss", "test", "time"], ["loss", "test"], ["loss"], [],
    ]
    let budget = columns - 1
    func length(_ layout: [String]) -> Int {
      count.count + 1 + layout.map { widest[$0]! + 2 }.reduce(0, +)
    }
    let layout = layouts.first { budget - length($0) >= 16 } ?? []
    let barWidth = min(40, budget - length(layout))
    let text = ["percent": percent, "loss": lossText, "test": testText, "time": time]
    var line = count + " "
    if barWidth >= 8 { line += bar(fraction, width: barWidth) }
    for field in layout {
      line += (line.hasSuffix(" ") ? "" : field == "percent" ? " " : "  ") + text[field]!
    }
    return line
  }

  /// 4 decimals below 10 (the usual cross-entropy), fewer above, so the
  /// field keeps its width; "nan" for NaN or infinity.
  static func lossText(_ loss: Double) -> String {
    guard loss.isFinite else { return "nan" }
    return String(format: abs(loss) < 10 ? "%.4f" : abs(loss) < 1000 ? "%.1f" : "%.0e", loss)
  }

  /// `width` cells, the done part in full blocks (eighths at its edge), the
  /// rest in light shade; coloured when `color`.
  func bar(_ fraction: Double, width: Int) -> String {
    let eighths = Int((fraction * Double(width * 8)).rounded(.down))
    let full = eighths / 8
    let partial = eighths % 8
    var done = String(repeating: "█", count: full)
    if partial > 0, full < width { done.append(["▏", "▎", "▍", "▌", "▋", "▊", "▉"][partial - 1]) }
    let rest = String(repeating: "░", count: max(0, width - done.count))
    guard color else { return done + rest }
    return "\(Self.escape)36m\(done)\(Self.escape)2m\(rest)\(Self.escape)0m"
  }

  /// 0:07, 12:34, 1:02:03.
  static func clock(_ seconds: Double) -> String {
    let whole = seconds.isFinite ? max(0, Int(seconds.rounded())) : 0
    if whole >= 3600 {
      return String(format: "%d:%02d:%02d", whole / 3600, whole % 3600 / 60, whole % 60)
    }
    return String(format: "%d:%02d", whole / 60, whole % 60)
  }
}
