// IDX reading and data-set loading: good files (plain, gzip, both), and each kind
// of bad or missing file, whose errors must name the file and the fix.

import CZlib
import Foundation
import XCTest

@testable import TrackerEngine

final class DatasetTests: XCTestCase {
  let names = Dataset.fileNames

  /// Writes `bytes` to `path`, gzip-compressed when `gzip` is set.
  func write(_ bytes: [UInt8], to path: String, gzip: Bool = false) throws {
    if gzip {
      let file = try XCTUnwrap(gzopen(path, "wb"))
      let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
      XCTAssertEqual(Int(written), bytes.count)
      XCTAssertEqual(gzclose(file), Z_OK)
    } else {
      try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
  }

  /// Writes a tiny data set of 4x4 images: 5 training and 3 test images. Returns
  /// what loading it should give, when that is a valid data set.
  @discardableResult
  func writeDataset(
    in dir: String, gzip: Bool = false, trainLabels: [UInt8] = [0, 1, 2, 3, 9]
  ) throws -> Dataset? {
    let trainImages = (0..<(5 * 16)).map { UInt8(($0 * 37) % 256) }
    let testImages = (0..<(3 * 16)).map { UInt8(($0 * 11) % 256) }
    let testLabels: [UInt8] = [4, 5, 6]
    let suffix = gzip ? ".gz" : ""
    try write(
      IDX.encode(dimensions: [5, 4, 4], bytes: trainImages),
      to: "\(dir)/\(names.trainImages)\(suffix)", gzip: gzip)
    try write(
      IDX.encode(dimensions: [trainLabels.count], bytes: trainLabels),
      to: "\(dir)/\(names.trainLabels)\(suffix)",
      gzip: gzip)
    try write(
      IDX.encode(dimensions: [3, 4, 4], bytes: testImages),
      to: "\(dir)/\(names.testImages)\(suffix)", gzip: gzip)
    try write(
      IDX.encode(dimensions: [3], bytes: testLabels), to: "\(dir)/\(names.testLabels)\(suffix)",
      gzip: gzip)
    guard trainLabels.count == 5, trainLabels.allSatisfy({ $0 < 10 }) else { return nil }
    return Dataset(
      name: "mnist", trainImages: trainImages, trainLabels: trainLabels, testImages: testImages,
      testLabels: testLabels, pixelsPerImage: 16)
  }

  func assertThrows(
    _ expected: DataError, mentioning words: [String] = [], _ body: () throws -> Void
  ) {
    XCTAssertThrowsError(try body()) { error in
      XCTAssertEqual(error as? DataError, expected)
      let text = String(describing: error)
      XCTAssertFalse(text.contains("\n"), "one line: \(text)")
      for word in words { XCTAssert(text.contains(word), "'\(text)' should mention '\(word)'") }
    }
  }

  // MARK: - Good files

  func testLoadsPlainFiles() throws {
    let dir = try temporaryDirectory(self)
    let expected = try XCTUnwrap(writeDataset(in: dir))
    let data = try Dataset.load(name: "mnist", directory: dir)
    XCTAssertEqual(data.name, "mnist")
    XCTAssertEqual(data.pixelsPerImage, 16)
    XCTAssertEqual(data.trainCount, 5)
    XCTAssertEqual(data.testCount, 3)
    XCTAssertEqual(data.trainImages, expected.trainImages)
    XCTAssertEqual(data.trainLabels, expected.trainLabels)
    XCTAssertEqual(data.testImages, expected.testImages)
    XCTAssertEqual(data.testLabels, expected.testLabels)
    XCTAssertEqual(data.fingerprint, expected.fingerprint)
    XCTAssertEqual(data.fingerprint.count, 16)
    XCTAssert(data.fingerprint.allSatisfy { "0123456789abcdef".contains($0) })
  }

  func testLoadsGzipFilesWithTheSameFingerprint() throws {
    let plainDir = try temporaryDirectory(self)
    let gzipDir = try temporaryDirectory(self)
    try writeDataset(in: plainDir)
    try writeDataset(in: gzipDir, gzip: true)
    let plain = try Dataset.load(name: "fashion-mnist", directory: plainDir)
    let gzipped = try Dataset.load(name: "fashion-mnist", directory: gzipDir)
    XCTAssertEqual(gzipped.trainImages, plain.trainImages)
    XCTAssertEqual(gzipped.testLabels, plain.testLabels)
    XCTAssertEqual(gzipped.fingerprint, plain.fingerprint)
  }

  func testPrefersPlainFileOverGzip() throws {
    let dir = try temporaryDirectory(self)
    try writeDataset(in: dir, gzip: true, trainLabels: [7, 7, 7, 7, 7])
    let plain = try XCTUnwrap(writeDataset(in: dir))
    XCTAssertEqual(try Dataset.load(name: "mnist", directory: dir).trainLabels, plain.trainLabels)
  }

  func testFingerprintChangesWithContents() {
    let a = Dataset(
      name: "a", trainImages: [1, 2], trainLabels: [0], testImages: [3, 4], testLabels: [1],
      pixelsPerImage: 2)
    let b = Dataset(
      name: "b", trainImages: [1, 2], trainLabels: [0], testImages: [3, 5], testLabels: [1],
      pixelsPerImage: 2)
    let c = Dataset(
      name: "c", trainImages: [1, 2], trainLabels: [0], testImages: [3, 4], testLabels: [1],
      pixelsPerImage: 2)
    XCTAssertNotEqual(a.fingerprint, b.fingerprint)
    XCTAssertEqual(a.fingerprint, c.fingerprint, "the name is not part of the fingerprint")
  }

  func testFingerprintIsFastForMNISTSizedData() {
    // The hash's speed does not depend on the bytes, only on how many there are.
    let images = [UInt8](repeating: 0x5A, count: 60000 * 784)
    let labels = [UInt8](repeating: 3, count: 60000)
    let testImages = [UInt8](repeating: 0xA5, count: 10000 * 784)
    let testLabels = [UInt8](repeating: 7, count: 10000)
    var best = Double.infinity
    for _ in 0..<3 {
      let start = Date()
      _ = Dataset.fingerprint(pixelsPerImage: 784, images, labels, testImages, testLabels)
      best = min(best, Date().timeIntervalSince(start))
    }
    print("fingerprint of MNIST-sized data: \(best * 1000) ms")
    XCTAssertLessThan(best, 0.030)
  }

  func testIDXRoundTrip() throws {
    let dir = try temporaryDirectory(self)
    let bytes = (0..<24).map { UInt8($0) }
    for gzip in [false, true] {
      let path = "\(dir)/cube\(gzip ? ".gz" : "")"
      try write(IDX.encode(dimensions: [2, 3, 4], bytes: bytes), to: path, gzip: gzip)
      let (dims, read) = try IDX.read(path: path)
      XCTAssertEqual(dims, [2, 3, 4])
      XCTAssertEqual(Array(read), bytes)
    }
    XCTAssertEqual(IDX.encode(dimensions: [2], bytes: [9, 8]), [0, 0, 8, 1, 0, 0, 0, 2, 9, 8])
  }

  func testBytes() {
    XCTAssertEqual(Bytes([]), Bytes([]))
    XCTAssertEqual(Array(Bytes([1, 2, 3])), [1, 2, 3])
    XCTAssertNotEqual(Bytes([1, 2, 3]), Bytes([1, 2, 4]))
    XCTAssertNotEqual(Bytes([1, 2]), Bytes([1, 2, 3]))
    XCTAssertEqual(Bytes([7, 8]).withUnsafeBufferPointer { Array($0) }, [7, 8])
  }

  func testMappedFileOutlivesItsReader() throws {
    // A plain file is mapped; the bytes stay valid after the file is closed and
    // removed, for as long as any copy of them exists.
    let dir = try temporaryDirectory(self)
    let path = "\(dir)/bytes"
    let payload = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    try write(IDX.encode(dimensions: [100, 100], bytes: payload), to: path)
    let (dims, bytes) = try IDX.read(path: path)
    try FileManager.default.removeItem(atPath: path)
    XCTAssertEqual(dims, [100, 100])
    XCTAssertEqual(Array(bytes), payload)
    XCTAssertEqual(bytes, Bytes(payload))
  }

  // MARK: - Bad files

  func testTruncatedFile() throws {
    let dir = try temporaryDirectory(self)
    try writeDataset(in: dir)
    let path = "\(dir)/\(names.trainImages)"
    let full = IDX.encode(dimensions: [5, 4, 4], bytes: [UInt8](repeating: 1, count: 80))
    try write(Array(full.dropLast(10)), to: path)
    assertThrows(.truncated(path: path, expected: 96, actual: 86), mentioning: [path, "truncated"])
    {
      _ = try Dataset.load(name: "mnist", directory: dir)
    }
    try write(Array(full.prefix(6)), to: path)  // inside the header
    assertThrows(.truncated(path: path, expected: 16, actual: 6)) { _ = try IDX.read(path: path) }
  }

  func testTruncatedGzipFile() throws {
    let dir = try temporaryDirectory(self)
    let path = "\(dir)/data.gz"
    var rng = TrackerRandom(seed: 9)
    try write(
      IDX.encode(dimensions: [4000], bytes: randomImages(1, width: 4000, zeros: 0, &rng)), to: path,
      gzip: true)
    let compressed = try Data(contentsOf: URL(fileURLWithPath: path))
    try compressed.prefix(compressed.count / 2).write(to: URL(fileURLWithPath: path))
    XCTAssertThrowsError(try IDX.read(path: path)) { error in
      let text = String(describing: error)
      XCTAssert(text.contains(path), text)
      switch error as? DataError {
      case .truncated, .unreadable: break
      default: XCTFail("unexpected \(error)")
      }
    }
  }

  func testTrailingBytes() throws {
    let dir = try temporaryDirectory(self)
    let path = "\(dir)/labels"
    try write(IDX.encode(dimensions: [2], bytes: [1, 2]) + [0], to: path)
    assertThrows(.trailingBytes(path: path, expected: 10), mentioning: [path]) {
      _ = try IDX.read(path: path)
    }
  }

  func testWrongMagicNumber() throws {
    let dir = try temporaryDirectory(self)
    try writeDataset(in: dir)
    let path = "\(dir)/\(names.testLabels)"
    try write([0x1F, 0x00, 0x08, 0x01, 0, 0, 0, 1, 5], to: path)
    assertThrows(
      .badMagic(path: path, magic: 0x1F00_0801), mentioning: [path, "0x1f000801", "IDX"]
    ) {
      _ = try Dataset.load(name: "mnist", directory: dir)
    }
    try write([0, 0, 0x0D, 1, 0, 0, 0, 1, 5], to: path)  // floats, not bytes
    assertThrows(.badMagic(path: path, magic: 0x0D01)) { _ = try IDX.read(path: path) }
  }

  func testMismatchedImageAndLabelCounts() throws {
    let dir = try temporaryDirectory(self)
    try writeDataset(in: dir, trainLabels: [0, 1, 2, 3])
    assertThrows(
      .countMismatch(
        images: "\(dir)/\(names.trainImages)", imageCount: 5, labels: "\(dir)/\(names.trainLabels)",
        labelCount: 4),
      mentioning: [names.trainImages, names.trainLabels]
    ) { _ = try Dataset.load(name: "mnist", directory: dir) }
  }

  func testLabelsMustBeDigits() throws {
    let dir = try temporaryDirectory(self)
    try writeDataset(in: dir, trainLabels: [0, 1, 2, 10, 3])
    assertThrows(.badLabel(path: "\(dir)/\(names.trainLabels)", index: 3, label: 10)) {
      _ = try Dataset.load(name: "mnist", directory: dir)
    }
  }

  func testWrongShape() throws {
    let dir = try temporaryDirectory(self)
    try writeDataset(in: dir)
    let path = "\(dir)/\(names.trainLabels)"
    try write(IDX.encode(dimensions: [5, 1], bytes: [0, 1, 2, 3, 4]), to: path)
    assertThrows(
      .wrongShape(path: path, dimensions: [5, 1], expected: "1 dimension (at least one label)")
    ) {
      _ = try Dataset.load(name: "mnist", directory: dir)
    }
  }

  // MARK: - Missing files

  func testMissingMNISTFileSaysHowToFetchIt() throws {
    let dir = try temporaryDirectory(self)
    try writeDataset(in: dir)
    let path = "\(dir)/\(names.testImages)"
    try FileManager.default.removeItem(atPath: path)
    assertThrows(
      .missingFile(path: path, dataset: "mnist"), mentioning: [path, "scripts/fetch-mnist"]
    ) {
      _ = try Dataset.load(name: "mnist", directory: dir)
    }
  }

  func testMissingFashionMNISTSaysHowToInstallIt() throws {
    let dir = try temporaryDirectory(self) + "/nowhere"
    let path = "\(dir)/\(names.trainImages)"
    assertThrows(
      .missingFile(path: path, dataset: "fashion-mnist"),
      mentioning: [path, "apt-get install dataset-fashion-mnist"]
    ) { _ = try Dataset.load(name: "fashion-mnist", directory: dir) }
  }

  func testUnknownDatasetName() {
    assertThrows(.unknownDataset(name: "cifar"), mentioning: ["cifar", "mnist"]) {
      _ = try Dataset.load(name: "cifar", directory: "/tmp")
    }
  }

  func testUnreadableFile() throws {
    let dir = try temporaryDirectory(self)
    let path = "\(dir)/\(names.trainImages)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    XCTAssertThrowsError(try IDX.read(path: path)) { error in
      XCTAssert(String(describing: error).contains(path))
    }
  }
}
