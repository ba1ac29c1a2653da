// CompareFixtures: a temporary database filled through RunStore with runs of
// hand-made curves, and parsers for the output formats, shared by the
// compare, list, show, delete and format tests.
import ArgumentParser
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

@testable import tracker

class RunsFixtureTestCase: TemporaryFolderTestCase {
  /// `<folder>/runs.sqlite`, created by the first `record`.
  var path: String { folder.appending(path: "runs.sqlite").path }

  func store() throws -> RunStore { try RunStore.open(path: path) }

  /// The subcommand `arguments` parse to, with `--db` pointing at `path`.
  func command<Command: ParsableCommand>(_ arguments: [String], as: Command.Type) throws -> Command
  {
    try XCTUnwrap(Tracker.parseAsRoot(arguments + ["--db", path]) as? Command)
  }

  /// Records one finished run with test accuracy `accuracies` every 10
  /// iterations and `lastLoss` at the last iteration (`RunFixture.record`).
  @discardableResult
  func record(
    optimizer: String = "adam", seed: Int64 = 1, lr: Double = 0.001,
    accuracies: [Double] = [0.1, 0.5, 0.9], lastLoss: Double = 0.3,
    status: RunStatus = .completed, tags: [(key: String, value: String)] = [],
    hour: Double = 0, duration: Double = 10, name: String? = nil,
    id: String = UUID().uuidString.lowercased()
  ) throws -> String {
    try RunFixture.record(
      into: store(), optimizer: optimizer, seed: seed, lr: lr, accuracies: accuracies,
      lastLoss: lastLoss, status: status, tags: tags, hour: hour, duration: duration, name: name,
      id: id
    ).runID
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
