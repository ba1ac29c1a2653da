// ServeSupport: a real `tracker serve` process on a free loopback port for the
// serve tests, an HTTP GET, and headless Chromium (Debian's `chromium`).
import Foundation
import TrackerTestSupport
import XCTest

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// `tracker serve --port 0 ...` in the background; `url` is read from the
/// "serving http://..." line it prints once listening.
final class ServeProcess {
  let process = Process()
  let errPath: URL
  private(set) var url = ""

  init(_ args: [String], folder: URL) throws {
    errPath = folder.appendingPathComponent("serve-\(UUID()).err")
    FileManager.default.createFile(atPath: errPath.path, contents: nil)
    process.executableURL = TrackerProcess.executable
    process.arguments = ["serve"] + args
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "TRACKER_DB")
    process.environment = env
    process.standardOutput = FileHandle.nullDevice
    process.standardError = try FileHandle(forWritingTo: errPath)
    try process.run()
  }

  /// Starts it and waits until it listens.
  static func start(db: String, folder: URL, _ extra: [String] = []) throws -> ServeProcess {
    let server = try ServeProcess(["--db", db, "--port", "0"] + extra, folder: folder)
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline, server.process.isRunning {
      if let line = server.stderr.split(separator: "\n").first(where: { $0.hasPrefix("serving ") }),
        let url = line.split(separator: " ").dropFirst().first
      {
        server.url = String(url)
        return server
      }
      Thread.sleep(forTimeInterval: 0.05)
    }
    throw XCTSkip("serve did not start: \(server.stderr)")
  }

  var stderr: String { (try? String(contentsOf: errPath, encoding: .utf8)) ?? "" }

  /// Sends `signal` and waits (up to 10 s) for it to exit; its exit status.
  func stop(_ signal: Int32 = SIGINT) -> Int32? {
    kill(process.processIdentifier, signal)
    let deadline = Date().addingTimeInterval(10)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    return process.isRunning ? nil : process.terminationStatus
  }

  deinit {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
  }
}

struct HTTPResult {
  let status: Int
  let headers: [String: String]
  let body: String
  var contentType: String { headers["content-type"] ?? "" }
}

/// GET `url`, waited for.
func httpGet(_ url: String, timeout: TimeInterval = 30) throws -> HTTPResult {
  var request = URLRequest(url: URL(string: url)!)
  request.timeoutInterval = timeout
  let done = DispatchSemaphore(value: 0)
  nonisolated(unsafe) var result: Result<HTTPResult, any Error>?
  URLSession.shared.dataTask(with: request) { data, response, error in
    if let error {
      result = .failure(error)
    } else if let response = response as? HTTPURLResponse {
      var headers: [String: String] = [:]
      for (key, value) in response.allHeaderFields {
        headers["\(key)".lowercased()] = "\(value)"
      }
      result = .success(
        HTTPResult(
          status: response.statusCode, headers: headers,
          body: String(decoding: data ?? Data(), as: UTF8.self)))
    }
    done.signal()
  }.resume()
  done.wait()
  return try result!.get()
}

/// Debian's headless Chromium; skips the test when it is missing, except
/// under CI (CI set), where it must be there.
func chromium() throws -> String {
  for name in ["chromium", "chromium-browser", "google-chrome"] {
    for folder in ["/usr/bin", "/usr/local/bin"] {
      let path = "\(folder)/\(name)"
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
  }
  if ProcessInfo.processInfo.environment["CI"] != nil {
    XCTFail("chromium is missing; install it with 'apt-get install chromium'")
  }
  throw XCTSkip("chromium is not installed (apt-get install chromium)")
}

/// The DOM of `url` after `budget` ms of the page's virtual time, as
/// `chromium --headless --dump-dom` prints it.
func dumpDOM(_ url: String, budget: Int, folder: URL) throws -> String {
  let chrome = Process()
  chrome.executableURL = URL(fileURLWithPath: try chromium())
  let profile = folder.appendingPathComponent("chrome-\(UUID())")
  let out = folder.appendingPathComponent("dom-\(UUID()).html")
  FileManager.default.createFile(atPath: out.path, contents: nil)
  // --no-sandbox: Chromium refuses to start as root (containers, CI) otherwise.
  chrome.arguments = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--user-data-dir=\(profile.path)", "--virtual-time-budget=\(budget)", "--dump-dom", url,
  ]
  chrome.standardOutput = try FileHandle(forWritingTo: out)
  chrome.standardError = FileHandle.nullDevice
  try chrome.run()
  chrome.waitUntilExit()
  return try String(contentsOf: out, encoding: .utf8)
}
