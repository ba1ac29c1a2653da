// XXH64 (xxHash, 64-bit variant, by Yann Collet; spec:
// https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md). Used for
// data-set fingerprints: it is a published, stable algorithm, and it hashes at
// several GB/s, so the ~55 MB of MNIST takes a few milliseconds.

// MARK: - XXH64

enum XXHash64 {
  private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
  private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
  private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
  private static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
  private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

  @inline(__always)
  private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

  @inline(__always)
  private static func round(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
    rotl(acc &+ lane &* p2, 31) &* p1
  }

  @inline(__always)
  private static func merge(_ acc: UInt64, _ v: UInt64) -> UInt64 {
    (acc ^ round(0, v)) &* p1 &+ p4
  }

  /// XXH64 of `bytes` with the given seed.
  static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return avalanche(seed &+ p5) }
    return hash(base, bytes.count, seed: seed)
  }

  @inline(__always)
  private static func word(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
    UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
  }

  private static func hash(_ p: UnsafeRawPointer, _ n: Int, seed: UInt64) -> UInt64 {
    var offset = 0
    var h: UInt64
    if n >= 32 {
      var v1 = seed &+ p1 &+ p2
      var v2 = seed &+ p2
      var v3 = seed
      var v4 = seed &- p1
      while offset + 32 <= n {
        v1 = round(v1, word(p, offset))
        v2 = round(v2, word(p, offset + 8))
        v3 = round(v3, word(p, offset + 16))
        v4 = round(v4, word(p, offset + 24))
        offset += 32
      }
      h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
      h = merge(h, v1)
      h = merge(h, v2)
      h = merge(h, v3)
      h = merge(h, v4)
    } else {
      h = seed &+ p5
    }
    h &+= UInt64(n)
    while offset + 8 <= n {
      h ^= round(0, word(p, offset))
      h = rotl(h, 27) &* p1 &+ p4
      offset += 8
    }
    if offset + 4 <= n {
      let w = UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
      h ^= w &* p1
      h = rotl(h, 23) &* p2 &+ p3
      offset += 4
    }
    while offset < n {
      h ^= UInt64(p.load(fromByteOffset: offset, as: UInt8.self)) &* p5
      h = rotl(h, 11) &* p1
      offset += 1
    }
    return avalanche(h)
  }

  @inline(__always)
  private static func avalanche(_ x: UInt64) -> UInt64 {
    var h = x
    h ^= h >> 33
    h &*= p2
    h ^= h >> 29
    h &*= p3
    h ^= h >> 32
    return h
  }

  /// XXH64 of a byte array.
  static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
    bytes.withUnsafeBytes { hash($0, seed: seed) }
  }
}
