// Errors from reading data sets: each names the file and says how to fix it, in one
// line, so the CLI can print `description` as it is.

public enum DataError: Error, CustomStringConvertible, Equatable, Sendable {
  /// `Dataset.load` was given a name it does not know.
  case unknownDataset(name: String)
  /// None of `path` or `path.gz` exists; `dataset` selects the how-to-get-it hint.
  case missingFile(path: String, dataset: String)
  /// The file exists but could not be opened or decompressed.
  case unreadable(path: String, reason: String)
  /// The first four bytes are not an IDX magic number for unsigned bytes.
  case badMagic(path: String, magic: UInt32)
  /// The header promises more bytes than the file holds.
  case truncated(path: String, expected: Int, actual: Int)
  /// The file holds bytes after the data its header describes.
  case trailingBytes(path: String, expected: Int)
  /// The header's dimensions are not what this file must have (e.g. labels not 1-D).
  case wrongShape(path: String, dimensions: [Int], expected: String)
  /// An image file and its label file disagree on the number of items.
  case countMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)
  /// A label outside 0...9.
  case badLabel(path: String, index: Int, label: UInt8)
  /// A data set without training or without test images cannot train.
  case noImages(dataset: String)
  /// Training and test images have different sizes.
  case imageSizeMismatch(train: String, trainPixels: Int, test: String, testPixels: Int)

  public var description: String {
    switch self {
    case .unknownDataset(let name):
      return "unknown data set '\(name)' (use 'mnist' or 'fashion-mnist')"
    case .missingFile(let path, let dataset):
      return "\(dataset) data file not found: \(path) (or \(path).gz); \(Self.howToGet(dataset))"
    case .unreadable(let path, let reason):
      return "cannot read \(path): \(reason) (check the file's permissions, or fetch it again)"
    case .badMagic(let path, let magic):
      let hex = String(magic, radix: 16)
      return
        "\(path) is not an IDX file of unsigned bytes (magic number 0x\(String(repeating: "0", count: max(0, 8 - hex.count)))\(hex), expected 0x00000801 or 0x00000803); fetch it again"
    case .truncated(let path, let expected, let actual):
      return
        "\(path) is truncated: its header promises \(expected) bytes but it holds \(actual); fetch it again"
    case .trailingBytes(let path, let expected):
      return "\(path) has bytes after the \(expected) its header promises; fetch it again"
    case .wrongShape(let path, let dimensions, let expected):
      let dims = dimensions.map(String.init).joined(separator: "x")
      return "\(path) has dimensions \(dims), expected \(expected); is it the right file?"
    case .countMismatch(let images, let imageCount, let labels, let labelCount):
      return
        "\(images) holds \(imageCount) images but \(labels) holds \(labelCount) labels; the two files must come from the same data set"
    case .badLabel(let path, let index, let label):
      return "\(path): label \(label) at index \(index) is outside 0...9; is it the right file?"
    case .noImages(let dataset):
      return "data set '\(dataset)' has no training or no test images; it needs both"
    case .imageSizeMismatch(let train, let trainPixels, let test, let testPixels):
      return
        "\(train) has \(trainPixels) pixels per image but \(test) has \(testPixels); the files must come from the same data set"
    }
  }

  /// The one-line hint for getting a data set that is not there.
  static func howToGet(_ dataset: String) -> String {
    switch DatasetName(rawValue: dataset) {
    case .mnist:
      return
        "run scripts/fetch-mnist to download MNIST, or point the data directory at your own IDX files"
    case .fashionMNIST:
      return
        "install it with 'apt-get install dataset-fashion-mnist' (it goes to /usr/share/datasets/fashion-mnist)"
    case .custom, nil:
      return "put the four IDX files there"
    }
  }
}
