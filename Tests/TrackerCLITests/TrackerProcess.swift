// Test support: runs the built `tracker` binary as a real process, and makes small IDX data sets.
import Foundation
import XCTest

struct ProcessResult {
  let status: Int32
  let stdout: String
  let stderr: String
}

enum TrackerProcess {
  /// The `tracker` executable built next to this test bundle.
  static var executable: URL {
    #if os(macOS)
      let products = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }!.bundleURL
        .deletingLastPathComponent()
    #else
      let products = Bundle.main.bundleURL
    #endif
    return products.appendingPathComponent("tracker")
  }

  /// Runs `tracker args...` with `environment` added to ours (TRACKER_DB removed) and waits.
  /// Output goes through temporary files, so a chatty child never blocks on a pipe.
  static func run(_ args: [String], environment: [String: String] = [:], cwd: URL? = nil) throws
    -> ProcessResult
  {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-out-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let outURL = dir.appendingPathComponent("out")
    let errURL = dir.appendingPathComponent("err")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let process = Process()
    process.executableURL = executable
    process.arguments = args
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "TRACKER_DB")
    env.merge(environment) { $1 }
    process.environment = env
    if let cwd { process.currentDirectoryURL = cwd }
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    try process.run()
    process.waitUntilExit()
    return ProcessResult(
      status: process.terminationStatus,
      stdout: try String(contentsOf: outURL, encoding: .utf8),
      stderr: try String(contentsOf: errURL, encoding: .utf8))
  }
}

/// A temporary folder removed after the test.
func makeTemporaryDirectory(_ test: XCTestCase) throws -> URL {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-test-\(UUID())")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
  return dir
}

/// Writes a small, learnable IDX data set: each class lights up its own band of rows.
enum SyntheticData {
  static func write(to dir: URL, train: Int = 600, test: Int = 200) throws {
    try writeSplit(dir, prefix: "train", count: train, seed: 1)
    try writeSplit(dir, prefix: "t10k", count: test, seed: 2)
  }

  static func idx(magic: UInt32, dims: [UInt32], body: [UInt8]) -> Data {
    var data = Data()
    for word in [magic] + dims {
      withUnsafeBytes(of: word.bigEndian) { data.append(contentsOf: $0) }
    }
    data.append(contentsOf: body)
    return data
  }

  private static func writeSplit(_ dir: URL, prefix: String, count: Int, seed: UInt64) throws {
    var state = seed
    func next() -> UInt64 {  // SplitMix64: deterministic test data
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    var labels = [UInt8]()
    var pixels = [UInt8]()
    for _ in 0..<count {
      let label = Int(next() % 10)
      labels.append(UInt8(label))
      for p in 0..<784 {
        let row = p / 28
        let lit = row >= label * 2 + 4 && row < label * 2 + 7
        pixels.append(lit ? UInt8(150 + next() % 100) : (next() % 10 == 0 ? UInt8(next() % 60) : 0))
      }
    }
    try idx(magic: 0x803, dims: [UInt32(count), 28, 28], body: pixels)
      .write(to: dir.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
    try idx(magic: 0x801, dims: [UInt32(count)], body: labels)
      .write(to: dir.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
  }
}
