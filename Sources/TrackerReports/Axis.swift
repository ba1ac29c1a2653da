// Axis: maps data values to pixels (linear or log10), and picks "nice" tick
// values and labels (1, 2, 5 times a power of ten) the way plotting libraries
// do, so axes read 0, 200, 400 rather than 0, 187, 374.
import Foundation

/// Maps values of `domain` onto the pixel interval from `start` to `end`
/// (`end` may be smaller: SVG's y grows downward).
public struct Scale: Equatable {
  public enum Kind: Equatable, Sendable { case linear, logarithmic }

  var kind: Kind
  var domain: ClosedRange<Double>
  var start: Double
  var end: Double

  init(_ kind: Kind = .linear, domain: ClosedRange<Double>, start: Double, end: Double) {
    precondition(kind == .linear || domain.lowerBound > 0, "a log scale needs a positive domain")
    self.kind = kind
    self.domain = domain
    self.start = start
    self.end = end
  }

  private func transform(_ value: Double) -> Double {
    kind == .linear ? value : log10(value)
  }

  /// The pixel of `value`; values outside the domain map outside the pixel
  /// interval (the chart clips them). A zero-width domain maps to the middle.
  func position(_ value: Double) -> Double {
    let low = transform(domain.lowerBound)
    let high = transform(domain.upperBound)
    guard high > low else { return (start + end) / 2 }
    return start + (transform(value) - low) / (high - low) * (end - start)
  }

  /// Tick values inside the domain, about `target` of them for a linear scale.
  func ticks(target: Int = 6) -> [Double] {
    kind == .linear
      ? Ticks.linear(domain, target: target) : Ticks.logarithmic(domain)
  }
}

enum Ticks {
  /// The 1-2-5 step (1, 2, 2.5 or 5 times a power of ten) nearest above `raw`.
  static func niceStep(_ raw: Double) -> Double {
    guard raw.isFinite, raw > 0 else { return 1 }
    let magnitude = pow(10, floor(log10(raw)))
    let residual = raw / magnitude
    let factor: Double =
      residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10
    return factor * magnitude
  }

  /// Multiples of a nice step inside `domain`, about `target` of them.
  static func linear(_ domain: ClosedRange<Double>, target: Int = 6) -> [Double] {
    let span = domain.upperBound - domain.lowerBound
    guard span > 0, span.isFinite else { return [domain.lowerBound] }
    let step = niceStep(span / Double(max(1, target)))
    // Multiply an integer count by the step rather than adding steps up, so
    // 0.1 * 3 stays 0.3 and not 0.30000000000000004 after rounding below.
    let first = (domain.lowerBound / step - 1e-9).rounded(.up)
    let last = (domain.upperBound / step + 1e-9).rounded(.down)
    guard first <= last else { return [] }
    return stride(from: first, through: last, by: 1).map { clean($0 * step, step: step) }
  }

  /// Powers of ten inside `domain`; when fewer than three, 1, 2 and 5 times
  /// powers of ten instead, so even a short log axis has labels.
  static func logarithmic(_ domain: ClosedRange<Double>) -> [Double] {
    let low = Int(floor(log10(domain.lowerBound)))
    let high = Int(ceil(log10(domain.upperBound)))
    let (from, to) = (domain.lowerBound * (1 - 1e-9), domain.upperBound * (1 + 1e-9))
    func inside(_ factors: [Double]) -> [Double] {
      var ticks: [Double] = []
      for exponent in low...high {
        for factor in factors {
          let value = clean(
            factor * pow(10, Double(exponent)), step: factor * pow(10, Double(exponent)))
          if value >= from && value <= to { ticks.append(value) }
        }
      }
      return ticks
    }
    let decades = inside([1])
    return decades.count >= 3 ? decades : inside([1, 2, 5])
  }

  /// The domain of a log axis through `low...high` (positive): from the 1-2-5
  /// value at or below `low` to the one at or above `high`.
  static func logarithmicDomain(_ low: Double, _ high: Double) -> ClosedRange<Double> {
    let sequence = { (exponent: Int) in [1.0, 2, 5].map { $0 * pow(10, Double(exponent)) } }
    let below =
      (Int(floor(log10(low))) - 1...Int(floor(log10(low))) + 1).flatMap(sequence)
      .filter { $0 <= low * (1 + 1e-12) }.max() ?? low
    let above =
      (Int(floor(log10(high))) - 1...Int(floor(log10(high))) + 1).flatMap(sequence)
      .filter { $0 >= high * (1 - 1e-12) }.min() ?? high
    return clean(below, step: below)...clean(above, step: above)
  }

  /// `0...m` where m is the first multiple of a nice step at or above `high`,
  /// for axes that should start at zero (a linear loss axis).
  static func zeroBasedDomain(_ high: Double, target: Int = 5) -> ClosedRange<Double> {
    guard high > 0, high.isFinite else { return 0...1 }
    let step = niceStep(high / Double(target))
    return 0...clean((high / step - 1e-9).rounded(.up) * step, step: step)
  }

  /// `value` rounded to the decimals of `step`, dropping floating-point dust.
  static func clean(_ value: Double, step: Double) -> Double {
    let scale = pow(10, Double(decimals(step) + 2))
    return (value * scale).rounded() / scale
  }

  /// Decimals needed to write `step` exactly: 0 for 200, 1 for 0.2, 2 for 0.25.
  static func decimals(_ step: Double) -> Int {
    guard step.isFinite, step > 0 else { return 0 }
    for digits in 0...12 {
      let scaled = step * pow(10, Double(digits))
      if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { return digits }
    }
    return 12
  }

  /// Labels for `ticks`, all with the same number of decimals (0.0, 0.2, ...,
  /// 1.0 as matplotlib writes them), or for log axes each in its shortest form.
  static func labels(_ ticks: [Double], kind: Scale.Kind) -> [String] {
    switch kind {
    case .linear:
      let step = zip(ticks, ticks.dropFirst()).map { $1 - $0 }.min() ?? 1
      let digits = decimals(step)
      return ticks.map { String(format: "%.\(digits)f", $0 == 0 ? 0 : $0) }
    case .logarithmic:
      return ticks.map(shortest)
    }
  }

  /// 0.001, 0.5, 2, 100, 1e+06: plain between 1e-4 and 1e6, else scientific.
  static func shortest(_ value: Double) -> String {
    if value != 0, abs(value) < 1e-4 || abs(value) >= 1e6 { return String(format: "%.0e", value) }
    return String(format: "%.\(decimals(value))f", value)
  }
}
