// The base of the tests against the real single-node Slurm cluster that
// scripts/slurm-local starts (.ci/run starts it): no mock. Skipped where no
// cluster answers, except under CI, where that is a failure.
import Foundation
import XCTest

class SlurmTestCase: ProcessTestCase {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  override func setUpWithError() throws {
    try super.setUpWithError()
    let status = Process()
    status.executableURL = Self.packageRoot.appendingPathComponent("scripts/slurm-local")
    status.arguments = ["status"]
    status.standardOutput = FileHandle.nullDevice
    status.standardError = FileHandle.nullDevice
    try status.run()
    status.waitUntilExit()
    guard status.terminationStatus == 0 else {
      let message = "no Slurm cluster answers; start one with scripts/slurm-local start"
      if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail(message) }
      throw XCTSkip(message)
    }
  }

  var shards: String { dir.appendingPathComponent("shards").path }
}
