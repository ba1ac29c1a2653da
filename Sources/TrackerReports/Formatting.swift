// How the reports write numbers for people: accuracies in percent, iterations,
// losses, durations, UTC times, p-values. Machine formats (JSON, CSV) use the
// raw values instead.
import Foundation

public enum Format {
  /// 0.95123 -> "95.12"; nil -> "-".
  public static func percent(_ fraction: Double?) -> String {
    guard let fraction, fraction.isFinite else { return "-" }
    return String(format: "%.2f", fraction * 100)
  }

  /// Signed percentage points: 0.8377 -> "+83.77".
  public static func points(_ fraction: Double) -> String {
    String(format: "%+.2f", fraction * 100)
  }

  /// An iteration, or a median of iterations (which can end in .5).
  public static func iteration(_ value: Double?) -> String {
    guard let value else { return "-" }
    return value == value.rounded() ? String(Int64(value)) : String(format: "%.1f", value)
  }

  public static func loss(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "-" }
    return String(format: "%.3f", value)
  }

  /// 12.34 -> "12.3s", 65 -> "1m05s", 3720 -> "1h02m".
  public static func duration(_ seconds: Double?) -> String {
    guard let seconds, seconds.isFinite else { return "-" }
    if seconds < 59.95 { return String(format: "%.1fs", seconds) }
    let whole = Int(seconds.rounded())
    if whole < 3600 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
    return String(format: "%dh%02dm", whole / 3600, whole % 3600 / 60)
  }

  /// "2026-11-29T12:00:00.250Z" -> "2026-11-29 12:00" (UTC, as stored).
  public static func minute(_ timestamp: String) -> String {
    guard timestamp.count >= 16 else { return timestamp }
    return timestamp.prefix(10) + " " + timestamp.dropFirst(11).prefix(5)
  }

  /// "0.034", or "1.2e-15" below 0.001.
  public static func pValue(_ p: Double) -> String {
    if p == 0 { return "< 1e-300" }
    return p >= 0.001 ? String(format: "%.3f", p) : String(format: "%.1e", p)
  }

  /// A number as users would type it: 0.001, 1, 0.05.
  public static func plain(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
  }
}

public enum Plural {
  /// "1 run", "2 runs"; `plural` for irregular nouns.
  public static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
    "\(n) " + (n == 1 ? noun : plural ?? noun + "s")
  }
}
