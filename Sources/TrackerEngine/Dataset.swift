// A labelled image data set (MNIST or Fashion-MNIST) held in memory as the raw
// bytes of its four IDX files (the images mapped from the files, not copied), plus a
// fingerprint that identifies its contents so a stored run can say exactly which
// data it was trained on.

import Foundation

/// The data sets `Dataset.load` knows, by the name runs record (`runs.dataset`).
///
/// A run's data set is named by the files it read, not by what it was told:
/// `init(fingerprint:)` knows the two published sets by their fingerprints, and
/// any other data is `custom` (its baseline then comes from its own test labels,
/// as every run's does).
public enum DatasetName: String, CaseIterable, Sendable {
  case mnist
  case fashionMNIST = "fashion-mnist"
  /// Data that is neither: named by its fingerprint alone.
  case custom

  /// `Dataset.fingerprint` of the published files, plain or gzipped: MNIST as
  /// scripts/fetch-mnist downloads it, Fashion-MNIST as Debian's
  /// dataset-fashion-mnist installs it (DatasetTests checks both where present).
  /// Migration 0006 relabels old runs with the same two values.
  public static let known: [String: DatasetName] = [
    "3b8bff70dfdc2b86": .mnist,
    "b2f65d04d922e646": .fashionMNIST,
  ]

  /// The data set these files are: a known one, else `custom`.
  public init(fingerprint: String) {
    self = Self.known[fingerprint] ?? .custom
  }

  /// "MNIST", "Fashion-MNIST", or "not MNIST nor Fashion-MNIST", for messages.
  public var title: String {
    switch self {
    case .mnist: "MNIST"
    case .fashionMNIST: "Fashion-MNIST"
    case .custom: "not MNIST nor Fashion-MNIST"
    }
  }
}

public struct Dataset: Sendable {
  /// "mnist" or "fashion-mnist" when loaded; any name for synthetic data.
  public let name: String
  /// Row-major, `pixelsPerImage` bytes per image.
  public let trainImages: Bytes
  public let trainLabels: [UInt8]
  public let testImages: Bytes
  public let testLabels: [UInt8]
  public let pixelsPerImage: Int
  /// 16 lowercase hex digits identifying the contents (see `fingerprint(...)`).
  public let fingerprint: String

  public var trainCount: Int { trainLabels.count }
  public var testCount: Int { testLabels.count }

  /// The number of classes; labels are 0..<classCount.
  public static let classCount = 10
  /// Column indices of the engine's sparse rows are UInt16.
  public static let maximumPixelsPerImage = Int(UInt16.max) + 1

  /// Builds a data set from decoded bytes (tests, synthetic data). Preconditions
  /// (programmer errors): byte counts are `count * pixelsPerImage`, labels are 0...9,
  /// `pixelsPerImage` is in 1...65536.
  public init(
    name: String, trainImages: [UInt8], trainLabels: [UInt8], testImages: [UInt8],
    testLabels: [UInt8], pixelsPerImage: Int
  ) {
    self.init(
      name: name, trainImages: Bytes(trainImages), trainLabels: trainLabels,
      testImages: Bytes(testImages), testLabels: testLabels, pixelsPerImage: pixelsPerImage)
  }

  /// The same, for images already held as Bytes (as `load` reads them).
  init(
    name: String, trainImages: Bytes, trainLabels: [UInt8], testImages: Bytes,
    testLabels: [UInt8], pixelsPerImage: Int
  ) {
    precondition(
      (1...Self.maximumPixelsPerImage).contains(pixelsPerImage), "pixelsPerImage out of range")
    precondition(
      trainImages.count == trainLabels.count * pixelsPerImage, "train images/labels mismatch")
    precondition(
      testImages.count == testLabels.count * pixelsPerImage, "test images/labels mismatch")
    precondition(
      trainLabels.allSatisfy { Int($0) < Self.classCount }
        && testLabels.allSatisfy { Int($0) < Self.classCount },
      "labels must be 0...9")
    self.name = name
    self.trainImages = trainImages
    self.trainLabels = trainLabels
    self.testImages = testImages
    self.testLabels = testLabels
    self.pixelsPerImage = pixelsPerImage
    self.fingerprint = trainImages.withUnsafeBytes { train in
      testImages.withUnsafeBytes { test in
        trainLabels.withUnsafeBytes { trainLabels in
          testLabels.withUnsafeBytes { testLabels in
            Self.fingerprint(
              pixelsPerImage: pixelsPerImage, [train, trainLabels, test, testLabels])
          }
        }
      }
    }
  }

  // MARK: - Fingerprint

  /// The data set's fingerprint: XXH64 (seed 0) of a 40-byte record holding, as
  /// little-endian UInt64s, `pixelsPerImage` and then the XXH64 (seed 0) of each of
  /// the four decoded IDX payloads in the order train images, train labels, test
  /// images, test labels; printed as 16 lowercase hex digits. It depends only on the
  /// decoded contents (a .gz and a plain file agree; the name is not part of it).
  /// About 5 ms for MNIST.
  public static func fingerprint(
    pixelsPerImage: Int, _ trainImages: [UInt8], _ trainLabels: [UInt8], _ testImages: [UInt8],
    _ testLabels: [UInt8]
  ) -> String {
    trainImages.withUnsafeBytes { a in
      trainLabels.withUnsafeBytes { b in
        testImages.withUnsafeBytes { c in
          testLabels.withUnsafeBytes { d in
            fingerprint(pixelsPerImage: pixelsPerImage, [a, b, c, d])
          }
        }
      }
    }
  }

  /// The fingerprint of the four payloads, in the order given above.
  static func fingerprint(pixelsPerImage: Int, _ parts: [UnsafeRawBufferPointer]) -> String {
    var record: [UInt64] = [UInt64(pixelsPerImage)]
    for part in parts {
      record.append(XXHash64.hash(part))
    }
    let digest = record.map(\.littleEndian).withUnsafeBytes { XXHash64.hash($0) }
    let hex = String(digest, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  // MARK: - Loading

  /// The four file names inside a data-set directory, each optionally with `.gz`.
  public static let fileNames = (
    trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
    testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte"
  )

  /// Loads "mnist" or "fashion-mnist" from the four IDX files in `directory`
  /// (plain or .gz; the plain one wins when both exist). Throws `DataError`.
  public static func load(name: String, directory: String) throws -> Dataset {
    guard DatasetName(rawValue: name) != nil else {
      throw DataError.unknownDataset(name: name)
    }
    let names = fileNames
    let trainImagesPath = try locate(names.trainImages, in: directory, dataset: name)
    let trainLabelsPath = try locate(names.trainLabels, in: directory, dataset: name)
    let testImagesPath = try locate(names.testImages, in: directory, dataset: name)
    let testLabelsPath = try locate(names.testLabels, in: directory, dataset: name)

    let (trainImages, trainPixels) = try readImages(trainImagesPath)
    let trainLabels = try readLabels(trainLabelsPath)
    let (testImages, testPixels) = try readImages(testImagesPath)
    let testLabels = try readLabels(testLabelsPath)
    for (images, pixels, path, labels, labelPath) in [
      (trainImages, trainPixels, trainImagesPath, trainLabels, trainLabelsPath),
      (testImages, testPixels, testImagesPath, testLabels, testLabelsPath),
    ] where images.count / pixels != labels.count {
      throw DataError.countMismatch(
        images: path, imageCount: images.count / pixels, labels: labelPath, labelCount: labels.count
      )
    }
    guard trainPixels == testPixels else {
      throw DataError.imageSizeMismatch(
        train: trainImagesPath, trainPixels: trainPixels, test: testImagesPath,
        testPixels: testPixels)
    }
    return Dataset(
      name: name, trainImages: trainImages, trainLabels: trainLabels, testImages: testImages,
      testLabels: testLabels, pixelsPerImage: trainPixels)
  }

  /// `directory/file` if it exists, else `directory/file.gz`, else throws `missingFile`.
  static func locate(_ file: String, in directory: String, dataset: String) throws -> String {
    let plain = (directory as NSString).appendingPathComponent(file)
    for candidate in [plain, plain + ".gz"] where FileManager.default.fileExists(atPath: candidate)
    {
      return candidate
    }
    throw DataError.missingFile(path: plain, dataset: dataset)
  }

  /// Reads an image file: 3-D (count, rows, columns). Returns bytes and pixels per image.
  static func readImages(_ path: String) throws -> (Bytes, Int) {
    let (dims, bytes) = try IDX.read(path: path)
    guard dims.count == 3, dims[1] > 0, dims[2] > 0, dims[0] > 0,
      dims[1] * dims[2] <= maximumPixelsPerImage
    else {
      throw DataError.wrongShape(
        path: path, dimensions: dims,
        expected:
          "3 dimensions (images x rows x columns), at least one image of at most 65536 pixels")
    }
    return (bytes, dims[1] * dims[2])
  }

  /// Reads a label file: 1-D, every label in 0...9.
  static func readLabels(_ path: String) throws -> [UInt8] {
    let (dims, bytes) = try IDX.read(path: path)
    guard dims.count == 1, dims[0] > 0 else {
      throw DataError.wrongShape(
        path: path, dimensions: dims, expected: "1 dimension (at least one label)")
    }
    let labels = bytes.withUnsafeBufferPointer { Array($0) }
    if let index = labels.firstIndex(where: { Int($0) >= classCount }) {
      throw DataError.badLabel(path: path, index: index, label: labels[index])
    }
    return labels
  }
}
