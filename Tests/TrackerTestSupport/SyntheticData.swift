// SyntheticData: a small, learnable IDX data set written to disk, so the CLI
// tests run the real binary without MNIST. Encoded with the engine's own
// `IDX.encode`, drawn with its `SplitMix64`.
import Foundation
import TrackerEngine

public enum SyntheticData {
  /// Writes the four IDX files to `dir`: each class lights up its own band of rows.
  public static func write(to dir: URL, train: Int = 600, test: Int = 200) throws {
    try writeSplit(dir, prefix: "train", count: train, seed: 1)
    try writeSplit(dir, prefix: "t10k", count: test, seed: 2)
  }

  private static func writeSplit(_ dir: URL, prefix: String, count: Int, seed: UInt64) throws {
    var random = SplitMix64(seed: seed)
    var labels = [UInt8]()
    var pixels = [UInt8]()
    for _ in 0..<count {
      let label = Int(random.next() % 10)
      labels.append(UInt8(label))
      for p in 0..<784 {
        let row = p / 28
        let lit = row >= label * 2 + 4 && row < label * 2 + 7
        pixels.append(
          lit
            ? UInt8(150 + random.next() % 100)
            : (random.next() % 10 == 0 ? UInt8(random.next() % 60) : 0))
      }
    }
    try Data(IDX.encode(dimensions: [count, 28, 28], bytes: pixels))
      .write(to: dir.appending(path: "\(prefix)-images-idx3-ubyte"))
    try Data(IDX.encode(dimensions: [count], bytes: labels))
      .write(to: dir.appending(path: "\(prefix)-labels-idx1-ubyte"))
  }
}
