// CompareFixtures: a temporary database filled through RunStore with runs of
// hand-made curves, and parsers for the output formats, shared by the
// compare, list, show, delete and format tests.
import ArgumentParser
import Foundation
import TrackerStore
import XCTest

@testable import tracker

class RunsFixtureTestCase: XCTestCase {
  var folder: URL!
  /// `<folder>/runs.sqlite`, created by the first `record`.
  var path: String { folder.appending(path: "runs.sqlite").path }

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory.appending(
      path: "tracker-cli-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
  }

  override func tearDownWithError() throws {
    try FileManager.default.removeItem(at: folder)
  }

  func store() throws -> RunStore { try RunStore.open(path: path) }

  /// The subcommand `arguments` parse to, with `--db` pointing at `path`.
  func command<Command: ParsableCommand>(_ arguments: [String], as: Command.Type) throws -> Command
  {
    try XCTUnwrap(Tracker.parseAsRoot(arguments + ["--db", path]) as? Command)
  }

  /// Records one finished run with test accuracy `accuracies` every 10
  /// iterations and `lastLoss` at the last iteration.
  @discardableResult
  func record(
    optimizer: String = "adam", seed: Int64 = 1, lr: Double = 0.001,
    accuracies: [Double] = [0.1, 0.5, 0.9], lastLoss: Double = 0.3,
    status: RunStatus = .completed, tags: [(key: String, value: String)] = [],
    hour: Double = 0, duration: Double = 10, name: String? = nil,
    id: String = UUID().uuidString.lowercased()
  ) throws -> String {
    let store = try store()
    let run = NewRun(
      id: id, name: name, optimizer: optimizer, seed: seed, lr: lr, iters: accuracies.count * 10,
      batchSize: 100, evalInterval: 10, momentum: optimizer == "momentum" ? 0.9 : nil,
      beta1: optimizer == "adam" ? 0.9 : nil, beta2: optimizer == "adam" ? 0.999 : nil,
      hidden: "40,20", activation: "sigmoid", weightInit: "0.01", batchnorm: false,
      dataset: "mnist", datasetHash: "hash", baseline: 0.1135,
      startedAt: Date(timeIntervalSince1970: 1_795_953_600 + hour * 3600), trackerVersion: "0.1.0",
      host: "testhost", pid: 42, command: "tracker run --opt \(optimizer)", tags: tags)
    let recorder = try store.begin(run)
    for (index, accuracy) in accuracies.enumerated() {
      for iteration in index * 10 + 1...index * 10 + 10 {
        try recorder.logLoss(iteration: iteration, loss: iteration == run.iters ? lastLoss : 1)
      }
      try recorder.logEvaluation(
        iteration: index * 10 + 10, trainAccuracy: accuracy, testAccuracy: accuracy)
    }
    if status == .running {
      try recorder.flush()
    } else {
      try recorder.finish(status: status, endedAt: run.startedAt + duration)
    }
    return id
  }

  // MARK: - Parsing output back

  /// `text` as JSON, via JSONSerialization.
  func parseJSON(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
  }

  /// RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and newlines.
  func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var characters = Array(text)[...]
    while let c = characters.popFirst() {
      if quoted {
        if c == "\"" {
          if characters.first == "\"" {
            field.append("\"")
            characters.removeFirst()
          } else {
            quoted = false
          }
        } else {
          field.append(c)
        }
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        row.append(field)
        field = ""
      } else if c == "\n" {
        row.append(field)
        rows.append(row)
        row = []
        field = ""
      } else {
        field.append(c)
      }
    }
    if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
    return rows
  }

  /// The cells of each Markdown table row (lines starting with "|"), with
  /// escaped pipes restored; the |---| rule is left out.
  func parseMarkdownTable(_ text: String) -> [[String]] {
    text.split(separator: "\n").filter {
      $0.hasPrefix("|") && !$0.hasPrefix("| --") && !$0.hasPrefix("|---")
    }
    .map { line in
      var cells: [String] = []
      var cell = ""
      var previous: Character = " "
      for c in line.dropFirst() {
        if c == "|" && previous != "\\" {
          cells.append(cell.trimmingCharacters(in: .whitespaces))
          cell = ""
        } else if c == "|" {
          cell.removeLast()
          cell.append(c)
        } else {
          cell.append(c)
        }
        previous = c
      }
      return cells
    }
  }
}
