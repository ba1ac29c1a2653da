// IDX files (the format MNIST ships in; http://yann.lecun.com/exdb/mnist/ "FILE
// FORMATS"): a 4-byte magic number `00 00 08 d` (0x08 = unsigned bytes, d = number
// of dimensions), d big-endian UInt32 sizes, then the bytes in row-major order.
// Files are read through zlib's gzread, which decompresses .gz files and passes
// plain files through unchanged ("gzread ... reads ... from the file as is if it is
// not in gzip format", zlib.h), so one reader serves both.

import CZlib
import Foundation

public enum IDX {
  /// The largest payload we accept (1 GiB; MNIST's largest file is 47 MB). A corrupt
  /// header must not make us allocate terabytes before we find it short.
  static let maximumPayload = 1 << 30

  // MARK: - Reading

  /// Reads an IDX file of unsigned bytes, plain or gzip-compressed.
  /// Throws `DataError` for a file that cannot be opened, a wrong magic number, a
  /// truncated file, or bytes beyond what the header describes.
  public static func read(path: String) throws -> (dimensions: [Int], bytes: [UInt8]) {
    guard let file = gzopen(path, "rb") else {
      throw DataError.unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    defer { gzclose(file) }
    gzbuffer(file, 1 << 20)

    var magic = [UInt8](repeating: 0, count: 4)
    let got = try readFully(file, &magic, 0, 4, path: path)
    guard got == 4 else { throw DataError.truncated(path: path, expected: 4, actual: got) }
    let magicValue = magic.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    guard magic[0] == 0, magic[1] == 0, magic[2] == 0x08, magic[3] >= 1 else {
      throw DataError.badMagic(path: path, magic: magicValue)
    }
    let rank = Int(magic[3])
    var header = [UInt8](repeating: 0, count: 4 * rank)
    let headerBytes = try readFully(file, &header, 0, header.count, path: path)
    guard headerBytes == header.count else {
      throw DataError.truncated(path: path, expected: 4 + header.count, actual: 4 + headerBytes)
    }
    var dimensions: [Int] = []
    for d in 0..<rank {
      dimensions.append(header[(4 * d)..<(4 * d + 4)].reduce(0) { $0 << 8 | Int($1) })
    }
    var size = 1
    for d in dimensions {
      let (product, overflow) = size.multipliedReportingOverflow(by: d)
      guard !overflow, product <= maximumPayload else {
        throw DataError.wrongShape(
          path: path, dimensions: dimensions, expected: "at most \(maximumPayload) bytes of data")
      }
      size = product
    }

    var bytes = [UInt8](repeating: 0, count: size)
    let payload = try readFully(file, &bytes, 0, size, path: path)
    guard payload == size else {
      throw DataError.truncated(
        path: path, expected: 4 + header.count + size, actual: 4 + header.count + payload)
    }
    var extra: UInt8 = 0
    if gzread(file, &extra, 1) > 0 {
      throw DataError.trailingBytes(path: path, expected: 4 + header.count + size)
    }
    return (dimensions, bytes)
  }

  /// Reads up to `count` bytes into `buffer[start...]`; returns how many it got (fewer
  /// only at the end of the data). Throws when zlib reports a decompression error.
  private static func readFully(
    _ file: gzFile, _ buffer: inout [UInt8], _ start: Int, _ count: Int, path: String
  ) throws -> Int {
    var done = 0
    try buffer.withUnsafeMutableBytes { raw in
      while done < count {
        let chunk = UInt32(min(count - done, 1 << 30))
        let n = gzread(file, raw.baseAddress! + start + done, chunk)
        if n < 0 {
          var code: Int32 = 0
          let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
          throw DataError.unreadable(path: path, reason: message)
        }
        if n == 0 { break }
        done += Int(n)
      }
    }
    return done
  }

  // MARK: - Writing

  /// The IDX encoding of `bytes` with the given dimensions (for tests and synthetic
  /// data sets). Precondition: the dimensions' product is `bytes.count`.
  public static func encode(dimensions: [Int], bytes: [UInt8]) -> [UInt8] {
    precondition((1...255).contains(dimensions.count), "IDX needs 1 to 255 dimensions")
    precondition(
      dimensions.allSatisfy { (0...Int(UInt32.max)).contains($0) }, "IDX sizes are UInt32")
    precondition(dimensions.reduce(1, *) == bytes.count, "dimensions do not match the byte count")
    var out: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
    out.reserveCapacity(4 + 4 * dimensions.count + bytes.count)
    for d in dimensions {
      let v = UInt32(d)
      out += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }
    out += bytes
    return out
  }
}
