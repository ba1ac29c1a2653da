// Stats: the statistics `compare` reports over the runs of a group (mean,
// sample standard deviation, min, max, median) and Welch's t-test between two
// groups, with the Student t distribution from the regularized incomplete
// beta function. No SQL; plain Double math.
import Foundation

/// Summary statistics of a sample.
public struct SampleStatistics: Sendable, Equatable {
  public let count: Int
  public let mean: Double
  /// The sample standard deviation (divisor n - 1); nil for a single value.
  public let standardDeviation: Double?
  public let minimum: Double
  public let maximum: Double
  /// The middle value, or the mean of the two middle ones.
  public let median: Double

  /// nil for an empty sample.
  public init?(_ values: [Double]) {
    guard !values.isEmpty else { return nil }
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    count = values.count
    self.mean = mean
    // Two passes (deviations from the mean): the one-pass sum-of-squares
    // formula loses digits when the spread is small next to the mean.
    standardDeviation =
      values.count < 2
      ? nil : (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
    let sorted = values.sorted()
    minimum = sorted[0]
    maximum = sorted[sorted.count - 1]
    let middle = sorted.count / 2
    median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}

/// Welch's unequal-variances t-test for the difference of two means, with a
/// two-sided p-value and a confidence interval.
public struct WelchTest: Sendable, Equatable {
  /// mean(a) - mean(b).
  public let difference: Double
  public let standardError: Double
  /// Welch–Satterthwaite degrees of freedom (not an integer in general).
  public let degreesOfFreedom: Double
  public let t: Double
  /// Two-sided: the probability of a |t| at least this large if the means
  /// were equal.
  public let pValue: Double
  public let confidenceLevel: Double
  public let lower: Double
  public let upper: Double

  /// nil when either sample has fewer than two values, or when both have no
  /// spread at all (the standard error is 0 and t is undefined).
  public init?(_ a: [Double], _ b: [Double], confidenceLevel: Double = 0.95) {
    guard let sa = SampleStatistics(a), let sb = SampleStatistics(b),
      let sdA = sa.standardDeviation, let sdB = sb.standardDeviation
    else { return nil }
    let va = sdA * sdA / Double(sa.count)
    let vb = sdB * sdB / Double(sb.count)
    let se = (va + vb).squareRoot()
    guard se > 0 else { return nil }
    difference = sa.mean - sb.mean
    standardError = se
    degreesOfFreedom =
      (va + vb) * (va + vb)
      / (va * va / Double(sa.count - 1) + vb * vb / Double(sb.count - 1))
    t = difference / se
    pValue = StudentT.twoSidedPValue(t, degreesOfFreedom: degreesOfFreedom)
    self.confidenceLevel = confidenceLevel
    let critical = StudentT.quantile(0.5 + confidenceLevel / 2, degreesOfFreedom: degreesOfFreedom)
    lower = difference - critical * se
    upper = difference + critical * se
  }
}

/// Student's t distribution with `degreesOfFreedom` > 0 (not necessarily an
/// integer), via the regularized incomplete beta function.
public enum StudentT {
  /// P(|T| >= |t|) = I_{ν/(ν+t²)}(ν/2, 1/2).
  public static func twoSidedPValue(_ t: Double, degreesOfFreedom nu: Double) -> Double {
    guard t.isFinite else { return t.isNaN ? .nan : 0 }
    return regularizedIncompleteBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
  }

  /// P(T <= t).
  public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
    let tail = twoSidedPValue(t, degreesOfFreedom: nu) / 2
    return t >= 0 ? 1 - tail : tail
  }

  /// The t with P(T <= t) = p, for 0 < p < 1, by bisection on `cdf` (monotone,
  /// so bisection cannot fail; 200 halvings reach full double precision).
  public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
    precondition(p > 0 && p < 1, "quantile needs 0 < p < 1, got \(p)")
    if p == 0.5 { return 0 }
    if p < 0.5 { return -quantile(1 - p, degreesOfFreedom: nu) }
    var low = 0.0
    var high = 1.0
    while cdf(high, degreesOfFreedom: nu) < p { high *= 2 }
    for _ in 0..<200 {
      let middle = (low + high) / 2
      if middle == low || middle == high { break }
      if cdf(middle, degreesOfFreedom: nu) < p { low = middle } else { high = middle }
    }
    return (low + high) / 2
  }

  /// I_x(a, b) = B(x; a, b) / B(a, b), for 0 <= x <= 1 and a, b > 0.
  ///
  /// The continued fraction of Numerical Recipes (3rd ed., §6.4, `betacf`),
  /// evaluated with the modified Lentz method. It converges fast for
  /// x < (a + 1) / (a + b + 2); above that, I_x(a, b) = 1 - I_{1-x}(b, a).
  public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
    precondition(a > 0 && b > 0, "incomplete beta needs a, b > 0")
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
    if x < (a + 1) / (a + b + 2) {
      return exp(logFront) * continuedFraction(x, a: a, b: b) / a
    }
    return 1 - exp(logFront) * continuedFraction(1 - x, a: b, b: a) / b
  }

  private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
    let tiny = 1e-300
    let epsilon = 1e-16
    func guarded(_ value: Double) -> Double { abs(value) < tiny ? tiny : value }
    var c = 1.0
    var d = 1 / guarded(1 - (a + b) * x / (a + 1))
    var h = d
    for m in 1...1000 {
      let m = Double(m)
      // Even step, then odd step, of the continued fraction.
      var term = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
      d = 1 / guarded(1 + term * d)
      c = guarded(1 + term / c)
      h *= d * c
      term = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
      d = 1 / guarded(1 + term * d)
      c = guarded(1 + term / c)
      let delta = d * c
      h *= delta
      if abs(delta - 1) < epsilon { break }
    }
    return h
  }
}
