// `tracker delete RUN...`: remove runs with their tags and metrics, in one
// transaction, after asking (unless --yes).
import ArgumentParser
import Foundation
import TrackerReports
import TrackerStore

extension Tracker {
  struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Delete runs and their metrics.",
      discussion: """
        Each RUN is a run id or any unique prefix of one. Every RUN must match exactly one \
        run, or nothing is deleted. Asks for confirmation on the terminal unless --yes. \
        A run that is still training is refused unless --force, which stops it first \
        (SIGTERM, recorded as interrupted) and then deletes it. Runs are deleted in short \
        transactions, so other commands never wait long; if a delete is stopped midway, \
        run it again to delete the rest.

        Examples:
          tracker delete 3f2a9c1e
          tracker delete 3f2a 8b1c --yes
        """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The runs: ids or unique prefixes.")
    var runs: [String]

    @Flag(name: .shortAndLong, help: "Delete without asking.")
    var yes = false

    @Flag(help: "Also delete runs still training on this host: stop each first (SIGTERM).")
    var force = false

    func validate() throws {
      if runs.isEmpty { throw ValidationError("give at least one run id (see 'tracker list')") }
    }

    func run() throws {
      let store = try RunStore.openExisting(path: database.resolvedPath, forWriting: true)
      let output = try perform(store) { question in
        FileHandle.standardError.write(Data(question.utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
        return answer == "y" || answer == "yes"
      }
      print(output, terminator: "")
    }

    /// Resolves every RUN, asks `confirm` (unless --yes) and deletes. Returns
    /// what to print; throws `ExitCode.failure` when the answer is no.
    func perform(_ store: RunStore, confirm: (String) -> Bool) throws -> String {
      var targets: [StoredRun] = []
      for prefix in runs {
        let run = try store.resolve(prefix)
        if !targets.contains(where: { $0.seq == run.seq }) { targets.append(run) }
      }
      // A run deleted under its process would lose what it writes next; stop it first.
      let live = try store.liveRuns(targets)
      if let first = live.first, !force {
        let process = first.pid.map { "pid \($0) on \(first.host)" } ?? "on \(first.host)"
        throw InputError(
          "run \(first.run.shortID) is still running (\(process)); stop it first, or pass"
            + " --force to stop and delete it")
      }
      let listing = targets.map { run in
        "  \(run.shortID)  \(run.optimizer) seed \(run.seed)  \(run.status)"
          + (run.summary.finalTestAccuracy.map { "  test acc \(Format.percent($0))%" } ?? "")
          + (run.name.map { "  \($0.escapingControlCharacters)" } ?? "")
      }
      if !yes {
        let question =
          "delete \(targets.count) run\(targets.count == 1 ? "" : "s") and their metrics"
          + " from \(store.database.path)?\n" + listing.joined(separator: "\n") + "\n[y/N] "
        guard confirm(question) else {
          printError("nothing deleted")
          throw ExitCode.failure
        }
      }
      for run in live { try store.stop(run) }
      let deleted = try store.delete(targets)
      return "deleted \(deleted) run\(deleted == 1 ? "" : "s"):\n" + listing.joined(separator: "\n")
        + "\n"
    }
  }
}
