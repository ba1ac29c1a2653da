// TrackerProcess: runs the built `tracker` binary as a real process, waited for
// or in the background, its output going through files so a chatty child never
// blocks on a pipe.
import Foundation
import XCTest

public struct ProcessResult {
  public let status: Int32
  public let stdout: String
  public let stderr: String
}

public enum TrackerProcess {
  /// The `tracker` executable built next to this test bundle.
  public static var executable: URL {
    #if os(macOS)
      let products = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }!.bundleURL
        .deletingLastPathComponent()
    #else
      let products = Bundle.main.bundleURL
    #endif
    return products.appendingPathComponent("tracker")
  }

  /// Runs `tracker args...` with `environment` added to ours (TRACKER_DB removed) and waits.
  public static func run(
    _ args: [String], environment: [String: String] = [:], cwd: URL? = nil
  ) throws -> ProcessResult {
    let tracker = try BackgroundTracker(args, environment: environment, cwd: cwd)
    return try tracker.finish()
  }
}

/// A `tracker` process running in the background, its output going to files.
public final class BackgroundTracker {
  public let process = Process()
  private let folder: URL

  /// Starts `tracker args...` with `environment` added to ours (TRACKER_DB removed).
  public init(_ args: [String], environment: [String: String] = [:], cwd: URL? = nil) throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-bg-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for name in ["out", "err"] {
      FileManager.default.createFile(
        atPath: folder.appendingPathComponent(name).path, contents: nil)
    }
    process.executableURL = TrackerProcess.executable
    process.arguments = args
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "TRACKER_DB")
    env.merge(environment) { $1 }
    process.environment = env
    if let cwd { process.currentDirectoryURL = cwd }
    process.standardOutput = try FileHandle(forWritingTo: folder.appendingPathComponent("out"))
    process.standardError = try FileHandle(forWritingTo: folder.appendingPathComponent("err"))
    try process.run()
  }

  deinit {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    try? FileManager.default.removeItem(at: folder)
  }

  public var pid: Int32 { process.processIdentifier }

  public func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

  /// Waits for the process and returns what it printed.
  public func finish() throws -> ProcessResult {
    process.waitUntilExit()
    return ProcessResult(
      status: process.terminationStatus,
      stdout: try String(contentsOf: folder.appendingPathComponent("out"), encoding: .utf8),
      stderr: try String(contentsOf: folder.appendingPathComponent("err"), encoding: .utf8))
  }
}
