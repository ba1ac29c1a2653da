// ProgressTests: the live progress line of `tracker run`: its text and width,
// what Console writes with and without a terminal (no control characters in
// the latter), --quiet, NO_COLOR; and the real binary on a pseudo-terminal and
// on a plain file.
import Foundation
import TrackerTestSupport
import XCTest

@testable import tracker

#if canImport(Glibc)
  import Glibc
#endif

final class ProgressTests: XCTestCase {
  /// Strips SGR colour codes (ESC [ ... m), leaving what the user sees.
  func visible(_ text: String) -> String {
    text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
  }

  // MARK: - The line

  func testLineHasEveryField() {
    let line = ProgressLine(total: 1000, columns: 100, color: false)
      .render(iteration: 340, loss: 0.41234, testAccuracy: 0.8823, elapsed: 3.4)
    for expected in [
      " 340/1000 ", "█", "░", " 34%", "loss 0.4123", "test acc 88.23%", "0:03 (0:07 left)",
    ] {
      XCTAssertTrue(line.contains(expected), "no '\(expected)' in '\(line)'")
    }
    XCTAssertFalse(line.contains("\u{1B}"), "no colour asked for: \(line)")
    XCTAssertFalse(line.contains("\n") || line.contains("\r"))
  }

  func testLineFitsTheTerminalAndTheBarKeepsItsWidth() {
    for columns in [30, 50, 80, 120, 300] {
      var widths = Set<Int>()
      for (iteration, loss, test, elapsed) in [
        (1, 2.3, nil, 0.01), (500, 0.3, 0.9, 5.0), (1000, 0.1, 0.95, 12.0),
      ] as [(Int, Double, Double?, Double)] {
        let line = visible(
          ProgressLine(total: 1000, columns: columns, color: true)
            .render(iteration: iteration, loss: loss, testAccuracy: test, elapsed: elapsed))
        XCTAssertLessThan(line.count, columns, "'\(line)' is too wide for \(columns) columns")
        widths.insert(line.filter { "█▏▎▍▌▋▊▉░".contains($0) }.count)
      }
      XCTAssertEqual(widths.count, 1, "the bar changed width at \(columns) columns: \(widths)")
    }
  }

  func testBarAndClock() {
    let progress = ProgressLine(total: 10, columns: 80, color: false)
    XCTAssertEqual(progress.bar(0.5, width: 10), "█████░░░░░")
    XCTAssertEqual(progress.bar(0.55, width: 10), "█████▌░░░░", "5.5 cells")
    XCTAssertEqual(progress.bar(0.2125, width: 10), "██▏░░░░░░░", "2.125 cells")
    XCTAssertEqual(progress.bar(1, width: 4), "████")
    let colored = ProgressLine(total: 10, columns: 80, color: true).bar(0.5, width: 4)
    XCTAssertEqual(colored, "\u{1B}[36m██\u{1B}[2m░░\u{1B}[0m")
    XCTAssertEqual(ProgressLine.clock(7.4), "0:07")
    XCTAssertEqual(ProgressLine.clock(754), "12:34")
    XCTAssertEqual(ProgressLine.clock(3723), "1:02:03")
    XCTAssertEqual(ProgressLine.lossText(.nan), "nan")
    XCTAssertEqual(ProgressLine.lossText(123.456), "123.5")
  }

  // MARK: - Console

  /// Runs Console through `iterations` iterations, evaluating every 10, with
  /// a clock that advances 10 ms per iteration; returns what it wrote.
  func simulate(quiet: Bool = false, terminal: TerminalInfo, iterations: Int = 1000) -> String {
    final class Buffer: @unchecked Sendable {
      var text = ""
      var time = 0.0
    }
    let buffer = Buffer()
    let console = Console(
      quiet: quiet, evalInterval: 10, iterations: iterations, terminal: terminal,
      write: { buffer.text += $0 }, now: { buffer.time })
    for i in 1...iterations {
      buffer.time += 0.01
      console.iteration(i, loss: 2.3 / Double(i))
      if i % 10 == 0 { console.evaluation(i, train: 0.9, test: Double(i) / Double(iterations)) }
    }
    console.finish()
    return buffer.text
  }

  func testWithoutATerminalOnlyPlainLines() {
    let text = simulate(terminal: .plain)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    XCTAssertEqual(lines.count, 11, "ten lines and the final newline: \(text)")
    XCTAssertEqual(lines[0], "iter    100  train acc 90.00%  test acc 10.00%")
    XCTAssertEqual(lines[9], "iter   1000  train acc 90.00%  test acc 100.00%")
    XCTAssertFalse(
      text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "control characters")
  }

  func testOnATerminalOneLineRedrawnInPlace() {
    let text = simulate(terminal: TerminalInfo(isLive: true, color: true, columns: 80))
    // The plain lines still scroll past, each above the live line.
    XCTAssertEqual(text.components(separatedBy: "train acc").count - 1, 10)
    XCTAssertTrue(text.contains("\r\u{1B}[2Kiter    500  train acc"))
    let draws = text.components(separatedBy: ProgressLine.clear).count - 1
    // 10 seconds of training at most 10 redraws a second, plus the plain lines' redraws.
    XCTAssertGreaterThan(draws, 50)
    XCTAssertLessThan(draws, 150, "redrawn too often")
    XCTAssertTrue(text.contains("\u{1B}[36m"), "coloured bar")
    XCTAssertTrue(text.contains("1000/1000"), "the last iteration is drawn")
    XCTAssertTrue(text.hasSuffix(ProgressLine.clear), "the live line is erased at the end")
    XCTAssertTrue(visible(text).contains("test acc 50.00%"))
  }

  func testNoColorKeepsTheLineButDropsColour() {
    let text = simulate(terminal: TerminalInfo(isLive: true, color: false, columns: 80))
    XCTAssertTrue(text.contains(ProgressLine.clear))
    XCTAssertFalse(text.contains("m█") || text.contains("\u{1B}[0m"), "SGR codes under NO_COLOR")
    XCTAssertEqual(
      TerminalInfo.detect(fd: -1, environment: ["NO_COLOR": "1"]), .plain,
      "not a terminal at all")
  }

  func testQuietWritesNothing() {
    XCTAssertEqual(
      simulate(quiet: true, terminal: TerminalInfo(isLive: true, color: true, columns: 80)), "")
    XCTAssertEqual(simulate(quiet: true, terminal: .plain), "")
  }

  // MARK: - The real binary

  func runTracker(_ extra: [String], stderrOnTerminal: Bool, environment: [String: String] = [:])
    throws -> (status: Int32, stdout: String, stderr: String)
  {
    let dir = try makeTemporaryFolder(self)
    try SyntheticData.write(to: dir)
    let arguments =
      [
        "run", "--opt", "adam", "--seed", "3", "--db", dir.appendingPathComponent("t.sqlite").path,
        "--data-dir", dir.path, "--iters", "300", "--batch-size", "20",
      ] + extra
    guard stderrOnTerminal else {
      let result = try TrackerProcess.run(arguments, environment: environment)
      return (result.status, result.stdout, result.stderr)
    }
    let terminal = try PseudoTerminal(columns: 100)
    let process = Process()
    process.executableURL = TrackerProcess.executable
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["TERM"] = "xterm"
    env.removeValue(forKey: "NO_COLOR")
    env.merge(environment) { $1 }
    process.environment = env
    let out = Pipe()
    process.standardOutput = out
    process.standardError = terminal.follower
    try process.run()
    terminal.closeFollower()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), terminal.readAll())
  }

  func testRunOnAPlainFileHasNoEscapeCodes() throws {
    let result = try runTracker([], stderrOnTerminal: false)
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(
      result.stderr,
      result.stderr.split(separator: "\n").map { $0 + "\n" }.joined(), "whole lines only")
    XCTAssertTrue(result.stderr.hasPrefix("iter    100  train acc"), result.stderr)
    XCTAssertFalse(result.stderr.contains("\u{1B}") || result.stderr.contains("\r"), result.stderr)
  }

  func testRunOnATerminalDrawsTheLiveLine() throws {
    let result = try runTracker([], stderrOnTerminal: true)
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stderr.contains(ProgressLine.clear), result.stderr)
    XCTAssertTrue(result.stderr.contains("/300 "), result.stderr)
    XCTAssertTrue(result.stderr.contains("\u{1B}[36m"), "coloured bar: \(result.stderr)")
    XCTAssertTrue(result.stderr.contains("iter    300  train acc"), result.stderr)
    XCTAssertTrue(result.stdout.hasPrefix("run "), "the summary stays on stdout: \(result.stdout)")
    for line in result.stderr.components(separatedBy: "\r") {
      XCTAssertLessThan(visible(line).replacingOccurrences(of: "\u{1B}[2K", with: "").count, 101)
    }

    let plain = try runTracker([], stderrOnTerminal: true, environment: ["NO_COLOR": "1"])
    XCTAssertTrue(plain.stderr.contains(ProgressLine.clear), plain.stderr)
    XCTAssertFalse(plain.stderr.contains("\u{1B}[36m"), plain.stderr)

    let quiet = try runTracker(["--quiet"], stderrOnTerminal: true)
    XCTAssertEqual(quiet.status, 0)
    XCTAssertEqual(quiet.stderr, "")
    XCTAssertTrue(quiet.stdout.hasPrefix("run "), quiet.stdout)
  }
}

/// A pseudo-terminal pair: the child writes to `follower`, the test reads the
/// leader, on a thread, so a child that writes a lot never blocks.
final class PseudoTerminal: @unchecked Sendable {
  let leader: Int32
  let follower: FileHandle
  private var output = Data()
  private let done = DispatchSemaphore(value: 0)
  private let lock = NSLock()

  init(columns: UInt16) throws {
    // Glibc's Swift module hides the pty functions behind _XOPEN_SOURCE; look them up.
    typealias IntFunction = @convention(c) (Int32) -> Int32
    typealias NameFunction = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
    let libc = dlopen(nil, RTLD_NOW)
    guard let openpt = dlsym(libc, "posix_openpt"), let grant = dlsym(libc, "grantpt"),
      let unlock = dlsym(libc, "unlockpt"), let ptsname = dlsym(libc, "ptsname")
    else { throw XCTSkip("no pseudo-terminal functions here") }
    leader = unsafeBitCast(openpt, to: IntFunction.self)(O_RDWR | O_NOCTTY)
    guard leader >= 0, unsafeBitCast(grant, to: IntFunction.self)(leader) == 0,
      unsafeBitCast(unlock, to: IntFunction.self)(leader) == 0,
      let name = unsafeBitCast(ptsname, to: NameFunction.self)(leader)
    else { throw XCTSkip("no pseudo-terminals here") }
    var size = winsize(ws_row: 24, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
    _ = ioctl(leader, UInt(TIOCSWINSZ), &size)
    let fd = open(name, O_RDWR | O_NOCTTY)
    guard fd >= 0 else { throw XCTSkip("cannot open \(String(cString: name))") }
    // Raw output: no "\n" to "\r\n" translation, so the test sees what tracker wrote.
    var settings = termios()
    tcgetattr(fd, &settings)
    cfmakeraw(&settings)
    tcsetattr(fd, TCSANOW, &settings)
    follower = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    Thread.detachNewThread { [self] in
      var buffer = [UInt8](repeating: 0, count: 4096)
      while true {
        let count = read(leader, &buffer, buffer.count)
        if count <= 0 { break }  // EIO once the child and we have closed the follower
        lock.lock()
        output.append(contentsOf: buffer[0..<count])
        lock.unlock()
      }
      done.signal()
    }
  }

  /// Our copy of the follower; the child keeps its own.
  func closeFollower() {
    try? follower.close()
  }

  /// Everything written, once every writer has closed the follower.
  func readAll() -> String {
    done.wait()
    close(leader)
    lock.lock()
    defer { lock.unlock() }
    return String(decoding: output, as: UTF8.self)
  }
}
