// IDX files (the format MNIST ships in; http://yann.lecun.com/exdb/mnist/ "FILE
// FORMATS"): a 4-byte magic number `00 00 08 d` (0x08 = unsigned bytes, d = number
// of dimensions), d big-endian UInt32 sizes, then the bytes in row-major order.
// Plain files are mapped into memory (mmap), so that loading MNIST copies nothing;
// gzip files, and anything that cannot be mapped, are read through zlib's gzread
// (which also passes plain data through: "gzread ... reads ... from the file as is
// if it is not in gzip format", zlib.h).

import CZlib
import Foundation

public enum IDX {
  /// The largest payload we accept (1 GiB; MNIST's largest file is 47 MB). A corrupt
  /// header must not make us allocate terabytes before we find it short.
  static let maximumPayload = 1 << 30

  // MARK: - Reading

  /// Reads an IDX file of unsigned bytes, plain or gzip-compressed. A plain regular
  /// file is mapped into memory rather than copied; anything else (gzip, a pipe)
  /// goes through zlib. Throws `DataError` for a file that cannot be opened, a
  /// wrong magic number, a truncated file, or bytes beyond what the header describes.
  public static func read(path: String) throws -> (dimensions: [Int], bytes: Bytes) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw DataError.unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw DataError.unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      throw DataError.unreadable(path: path, reason: String(cString: strerror(EISDIR)))
    }
    let size = Int(info.st_size)
    var start: (UInt8, UInt8) = (0, 0)
    if (info.st_mode & S_IFMT) == S_IFREG, size >= 2, pread(fd, &start, 2, 0) == 2,
      start != (0x1F, 0x8B), let storage = Bytes.Storage.map(fd: fd, size: size)
    {
      return try parse(storage, path: path)
    }
    return try readStream(path: path)
  }

  /// The dimensions and payload of a whole IDX file held in `storage`.
  private static func parse(_ storage: Bytes.Storage, path: String) throws -> ([Int], Bytes) {
    let file = storage.memory!
    let size = storage.size
    guard size >= 4 else { throw DataError.truncated(path: path, expected: 4, actual: size) }
    let magic = (0..<4).map { file[$0] }
    let rank = try checkMagic(magic, path: path)
    let headerEnd = 4 + 4 * rank
    guard size >= headerEnd else {
      throw DataError.truncated(path: path, expected: headerEnd, actual: size)
    }
    let (dimensions, payload) = try shape((4..<headerEnd).map { file[$0] }, path: path)
    guard size - headerEnd >= payload else {
      throw DataError.truncated(path: path, expected: headerEnd + payload, actual: size)
    }
    guard size - headerEnd == payload else {
      throw DataError.trailingBytes(path: path, expected: headerEnd + payload)
    }
    return (dimensions, Bytes(storage, offset: headerEnd, count: payload))
  }

  /// The rank given by a 4-byte magic number `00 00 08 d`.
  private static func checkMagic(_ magic: [UInt8], path: String) throws -> Int {
    guard magic[0] == 0, magic[1] == 0, magic[2] == 0x08, magic[3] >= 1 else {
      let magicValue = magic.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
      throw DataError.badMagic(path: path, magic: magicValue)
    }
    return Int(magic[3])
  }

  /// The dimensions in `header` (big-endian UInt32s) and the payload size they give.
  private static func shape(_ header: [UInt8], path: String) throws -> ([Int], Int) {
    var dimensions: [Int] = []
    for d in 0..<(header.count / 4) {
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
    return (dimensions, size)
  }

  /// Reads the file through zlib's gzread (gzip or plain, any kind of file).
  private static func readStream(path: String) throws -> ([Int], Bytes) {
    guard let file = gzopen(path, "rb") else {
      throw DataError.unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    defer { gzclose(file) }
    gzbuffer(file, 1 << 20)

    var magic = [UInt8](repeating: 0, count: 4)
    let got = try magic.withUnsafeMutableBytes {
      try readFully(file, $0.baseAddress!, 4, path: path)
    }
    guard got == 4 else { throw DataError.truncated(path: path, expected: 4, actual: got) }
    let rank = try checkMagic(magic, path: path)
    var header = [UInt8](repeating: 0, count: 4 * rank)
    let headerBytes = try header.withUnsafeMutableBytes {
      try readFully(file, $0.baseAddress!, $0.count, path: path)
    }
    guard headerBytes == header.count else {
      throw DataError.truncated(path: path, expected: 4 + header.count, actual: 4 + headerBytes)
    }
    let (dimensions, size) = try shape(header, path: path)

    let storage = Bytes.Storage.allocate(size)
    let payload = try storage.memory.map { try readFully(file, $0, size, path: path) } ?? 0
    guard payload == size else {
      throw DataError.truncated(
        path: path, expected: 4 + header.count + size, actual: 4 + header.count + payload)
    }
    var extra: UInt8 = 0
    if gzread(file, &extra, 1) > 0 {
      throw DataError.trailingBytes(path: path, expected: 4 + header.count + size)
    }
    return (dimensions, Bytes(storage, offset: 0, count: size))
  }

  /// Reads up to `count` bytes into `buffer`; returns how many it got (fewer only
  /// at the end of the data). Throws when zlib reports a decompression error.
  private static func readFully(
    _ file: gzFile, _ buffer: UnsafeMutableRawPointer, _ count: Int, path: String
  ) throws -> Int {
    var done = 0
    while done < count {
      let chunk = UInt32(min(count - done, 1 << 30))
      let n = gzread(file, buffer + done, chunk)
      if n < 0 {
        var code: Int32 = 0
        let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
        throw DataError.unreadable(path: path, reason: message)
      }
      if n == 0 { break }
      done += Int(n)
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
