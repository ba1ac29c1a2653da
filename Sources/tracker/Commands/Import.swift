// `tracker import FILE.jsonl`: runs written by `tracker export` or any other
// program in the documented JSON-lines format, into the database.
import ArgumentParser
import Foundation
import TrackerStore

extension Tracker {
  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Read runs from a JSON-lines file (tracker export's format) into the database.",
      discussion: """
        Each line is one run (docs/cluster.md, "The JSON-lines format"). A file is imported \
        all or nothing; a run whose id is already in the database is skipped. Every imported \
        run keeps a source ('import:<file name>' unless the line gives its own), so compare \
        shows it in its own group and sweep never takes it for a tracker run.

        Examples:
          python3 scripts/numpy_reference.py --opt adam --jsonl numpy.jsonl && tracker import numpy.jsonl
        """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("The JSON-lines file.", valueName: "file"))
    var file: String

    func run() throws {
      guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
        throw InputError("cannot read '\(file)'; check the path (a UTF-8 JSON-lines file)")
      }
      let store = try RunStore.open(path: database.resolvedPath)
      let name = URL(fileURLWithPath: file).lastPathComponent
      let result = try store.importJSONLines(text, file: file, defaultSource: "import:\(name)")
      if !result.ignoredFields.isEmpty {
        printError(
          "ignored fields tracker has no column for: \(result.ignoredFields.sorted().joined(separator: ", "))"
        )
      }
      var line = "imported \(result.imported.count) run\(result.imported.count == 1 ? "" : "s")"
      if !result.skipped.isEmpty { line += ", skipped \(result.skipped.count) already present" }
      print(line)
    }
  }
}
