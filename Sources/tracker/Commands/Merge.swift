// `tracker merge SRC...`: copy runs, tags and metrics from other tracker databases
// (shards written on other machines, a colleague's file) into this one, by run id.
import ArgumentParser
import Foundation
import TrackerStore

extension Tracker {
  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Copy runs and their metrics from other tracker databases into this one.",
      discussion: """
        Runs are matched by their UUID, so merging is safe to repeat: a run already in \
        --db is skipped when identical (every column, tag, loss and evaluation), and is an \
        error naming it when it differs. Each SRC is merged all or nothing, read in one \
        snapshot, and never modified; a SRC written by an older tracker is read through a \
        migrated copy in memory, one written by a newer tracker is refused. --db may be in \
        use by other tracker processes meanwhile. Runs still 'running' in SRC are left out \
        unless --include-running. See docs/cluster.md.

        Examples:
          tracker merge shards/*.sqlite --db tracker.sqlite
          tracker merge laptop.sqlite --include-running
        """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("The tracker databases to copy runs from.", valueName: "src"))
    var sources: [String]

    @Flag(help: "Also copy runs still running in a source (they may change afterwards).")
    var includeRunning = false

    func validate() throws {
      if sources.isEmpty {
        throw ValidationError("give at least one database to merge, e.g. tracker merge a.sqlite")
      }
    }

    func run() throws {
      let store = try RunStore.open(path: database.resolvedPath)
      var failed = 0
      for source in sources {
        do {
          let result = try store.merge(from: source, includeRunning: includeRunning)
          print(Self.line(source, result))
        } catch {
          // The other sources still merge: each is all or nothing on its own.
          printError("Error: \(error)")
          failed += 1
        }
      }
      if failed > 0 { throw ExitCode.failure }
    }

    /// "shard-0.sqlite: merged 3 runs, skipped 1 already present, left out 1 running".
    static func line(_ source: String, _ result: MergeResult) -> String {
      func runs(_ n: Int) -> String { n == 1 ? "1 run" : "\(n) runs" }
      var parts = ["merged \(runs(result.merged.count))"]
      if !result.skipped.isEmpty { parts.append("skipped \(result.skipped.count) already present") }
      if !result.running.isEmpty {
        parts.append("left out \(result.running.count) running (--include-running copies them)")
      }
      if result.migratedCopy { parts.append("read through a copy migrated to the current schema") }
      return "\(source): " + parts.joined(separator: ", ")
    }
  }
}
