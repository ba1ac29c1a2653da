// Read-only bytes that live outside Swift arrays: an IDX file mapped into memory
// (no copy: MNIST's 47 MB training images cost page-table entries, not a read
// and a memcpy), or a buffer that a decompressor filled. A Dataset keeps its
// images as Bytes, so loading MNIST takes a few milliseconds.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An immutable byte sequence; equal when the bytes are equal.
public struct Bytes: RandomAccessCollection, Equatable, Sendable, CustomStringConvertible {
  private let storage: Storage
  private let offset: Int
  private var base: UnsafePointer<UInt8>? { storage.memory.map { UnsafePointer($0 + offset) } }

  public let count: Int
  public var startIndex: Int { 0 }
  public var endIndex: Int { count }

  /// A copy of `bytes`.
  public init(_ bytes: [UInt8]) {
    let storage = Storage.allocate(bytes.count)
    if let memory = storage.memory {
      bytes.withUnsafeBufferPointer { memory.initialize(from: $0.baseAddress!, count: $0.count) }
    }
    self.init(storage, offset: 0, count: bytes.count)
  }

  /// `count` bytes of `storage` from `offset`.
  init(_ storage: Storage, offset: Int, count: Int) {
    precondition(offset >= 0 && count >= 0 && offset + count <= storage.size, "Bytes out of range")
    self.storage = storage
    self.offset = offset
    self.count = count
  }

  public subscript(position: Int) -> UInt8 {
    precondition(position >= 0 && position < count, "Bytes index out of range")
    return base![position]
  }

  /// Calls `body` with the bytes; the pointer is valid only inside `body`.
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R)
    rethrows -> R
  {
    try withExtendedLifetime(storage) { try body(UnsafeBufferPointer(start: base, count: count)) }
  }

  public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try withUnsafeBufferPointer { try body(UnsafeRawBufferPointer($0)) }
  }

  public static func == (a: Bytes, b: Bytes) -> Bool {
    guard a.count == b.count else { return false }
    if a.count == 0 || a.base == b.base { return true }
    return a.withUnsafeBufferPointer { x in
      b.withUnsafeBufferPointer { y in memcmp(x.baseAddress!, y.baseAddress!, a.count) == 0 }
    }
  }

  public var description: String { "\(count) bytes" }

  // MARK: - Storage

  /// Owns the memory: unmaps or frees it when the last Bytes that uses it goes.
  /// Never written after it is filled, so sharing it between threads is safe.
  final class Storage: @unchecked Sendable {
    let memory: UnsafeMutablePointer<UInt8>?
    let size: Int
    private let mapped: Bool

    private init(memory: UnsafeMutablePointer<UInt8>?, size: Int, mapped: Bool) {
      (self.memory, self.size, self.mapped) = (memory, size, mapped)
    }

    /// Uninitialised memory for `size` bytes, to fill before any Bytes sees it.
    static func allocate(_ size: Int) -> Storage {
      Storage(memory: size > 0 ? .allocate(capacity: size) : nil, size: size, mapped: false)
    }

    /// The whole of the open regular file `fd` (of `size` > 0 bytes), mapped
    /// read-only and private; nil when mmap fails. The file must not shrink while
    /// it is mapped (reading a page past its new end raises SIGBUS), which is why
    /// only data-set files, which nothing rewrites during a run, are mapped.
    static func map(fd: Int32, size: Int) -> Storage? {
      #if os(Linux)
        // Populate: the pages are in the page cache after the first run; mapping
        // them all now costs less than a page fault per 64 KB later.
        let flags = MAP_PRIVATE | MAP_POPULATE
      #else
        let flags = MAP_PRIVATE
      #endif
      guard let address = mmap(nil, size, PROT_READ, flags, fd, 0), address != MAP_FAILED else {
        return nil
      }
      return Storage(
        memory: address.assumingMemoryBound(to: UInt8.self), size: size, mapped: true)
    }

    deinit {
      guard let memory else { return }
      if mapped {
        munmap(memory, size)
      } else {
        memory.deallocate()
      }
    }
  }
}
