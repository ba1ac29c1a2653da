// Temporary folders for tests: one fresh folder per test, removed when it ends.
import Foundation
import XCTest

/// A new empty folder named `<prefix>-<UUID>` in the temporary directory,
/// removed when `test` ends.
public func makeTemporaryFolder(_ test: XCTestCase, prefix: String = "tracker-test") throws
  -> URL
{
  let folder = FileManager.default.temporaryDirectory.appending(path: "\(prefix)-\(UUID())")
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  test.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
  return folder
}

/// A test case with a fresh temporary folder per test (GRDB's `GRDBTestCase`
/// does the same for its databases).
open class TemporaryFolderTestCase: XCTestCase {
  /// A new empty folder per test, removed afterwards.
  public var folder: URL!

  open override func setUpWithError() throws {
    try super.setUpWithError()
    folder = try makeTemporaryFolder(self)
  }
}
