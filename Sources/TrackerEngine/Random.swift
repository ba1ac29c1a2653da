// The engine's own pseudo-random numbers. A run is identified by its seed, so the
// sequence must never change: we don't use the standard library's
// SystemRandomNumberGenerator (unseeded) or its `random(in:)` helpers (their
// algorithms are not promised to stay the same across Swift versions).
//
// - `SplitMix64` (Steele, Lea, Flood 2014; the reference is
//   https://prng.di.unimi.it/splitmix64.c) turns a 64-bit seed into a well-mixed
//   stream; we use it only to seed the main generator.
// - `TrackerRandom` is xoshiro256** 1.0 (Blackman, Vigna;
//   https://prng.di.unimi.it/xoshiro256starstar.c), its four state words being the
//   first four outputs of SplitMix64(seed), as the xoshiro authors recommend.
//
// Derived values (all documented at the methods, all pinned by tests):
// - `uniform(below:)`: Lemire's multiply-and-reject method, exactly unbiased.
// - `nextDouble()`: the top 53 bits of `next()` times 2^-53, in [0, 1).
// - `normal()`: Box-Muller, one normal per call from two `nextDouble()`s.

import Foundation

// MARK: - SplitMix64

/// SplitMix64: `state += 0x9E3779B97F4A7C15`, then two xor-shift-multiply rounds.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

// MARK: - TrackerRandom (xoshiro256**)

/// The generator used for weight initialisation and mini-batch sampling.
public struct TrackerRandom: RandomNumberGenerator, Sendable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64

  /// Seeds the four state words with the first four outputs of `SplitMix64(seed:)`.
  /// (They are never all zero: SplitMix64 never repeats a value within 2^64 calls.)
  public init(seed: UInt64) {
    var seeder = SplitMix64(seed: seed)
    s0 = seeder.next()
    s1 = seeder.next()
    s2 = seeder.next()
    s3 = seeder.next()
  }

  @inline(__always)
  private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
  }

  /// xoshiro256**: `rotl(s1 * 5, 7) * 9`, then the xor/shift state update.
  public mutating func next() -> UInt64 {
    let result = Self.rotl(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = Self.rotl(s3, 45)
    return result
  }

  /// A uniform integer in `0..<n`, unbiased (Lemire, "Fast Random Integer Generation
  /// in an Interval", 2019): take the high word of `next() * n`; when the low word
  /// falls below `2^64 mod n` the draw is rejected and repeated, which happens with
  /// probability below n / 2^64. Consumes one `next()` in the usual case.
  public mutating func uniform(below n: Int) -> Int {
    precondition(n > 0, "uniform(below:) needs a positive bound")
    let bound = UInt64(n)
    var m = next().multipliedFullWidth(by: bound)
    if m.low < bound {
      let threshold = (0 &- bound) % bound
      while m.low < threshold {
        m = next().multipliedFullWidth(by: bound)
      }
    }
    return Int(m.high)
  }

  /// A uniform Double in [0, 1): `Double(next() >> 11) * 2^-53` (every value is a
  /// multiple of 2^-53, all equally likely).
  public mutating func nextDouble() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// A standard normal deviate by the Box-Muller transform: with
  /// `u1 = 1 - nextDouble()` in (0, 1] (so the logarithm is finite) and
  /// `u2 = nextDouble()`, returns `sqrt(-2 ln u1) * cos(2π u2)`. The sine partner is
  /// discarded so that the generator's state stays just the four xoshiro words.
  /// (`log` and `cos` come from the platform's libm: bit-identical on one machine.)
  public mutating func normal() -> Double {
    let u1 = 1.0 - nextDouble()
    let u2 = nextDouble()
    return (-2.0 * Foundation.log(u1)).squareRoot() * Foundation.cos(2.0 * Double.pi * u2)
  }
}
