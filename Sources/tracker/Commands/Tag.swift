// `tracker tag RUN key=value... [--remove key]`: set or remove a run's tags
// after the fact, in one transaction.
import ArgumentParser
import Foundation
import TrackerStore

extension Tracker {
  struct TagRun: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "tag",
      abstract: "Set or remove tags of a run.",
      discussion: """
        RUN is a run name, or a run id or any unique prefix of one. Each key=value sets a \
        tag (replacing the value of a tag with that key); --remove drops a tag. All of it \
        happens at once or, on any error, not at all. Tags select runs in list, compare, \
        plot and report (--tag key=value).

        Examples:
          tracker tag 3f2a sweep=lr note=baseline
          tracker tag adam-fast --remove note
        """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("The run: its name, id or a unique id prefix.", valueName: "run"))
    var runID: String

    @Argument(help: ArgumentHelp("Tags to set.", valueName: "key=value"))
    var tags: [Tag] = []

    @Option(help: ArgumentHelp("Remove the tag with this key; repeatable.", valueName: "key"))
    var remove: [String] = []

    func validate() throws {
      if tags.isEmpty && remove.isEmpty {
        throw ValidationError("give a tag to set (key=value) or one to --remove")
      }
      var seen = Set<String>()
      for tag in tags where !seen.insert(tag.key).inserted {
        throw ValidationError("tag '\(tag.key)' is given twice; give each key once")
      }
      if let both = remove.first(where: seen.contains) {
        throw ValidationError("tag '\(both)' is both set and removed; give one of the two")
      }
    }

    func run() throws {
      let store = try RunStore.openExisting(path: database.resolvedPath, forWriting: true)
      print(try perform(store), terminator: "")
    }

    /// Retags the run; returns what to print.
    func perform(_ store: RunStore) throws -> String {
      let run = try store.resolve(run: runID)
      try store.retag(run, setting: tags.map { ($0.key, $0.value) }, removing: remove)
      let now = try store.resolve(run.id).tags
      let list = now.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
      return "run \(run.shortID): " + (now.isEmpty ? "no tags" : "tags \(list)") + "\n"
    }
  }

  struct Rename: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Name a run, or rename it.",
      discussion: """
        RUN is a run name, or a run id or any unique prefix of one. Names address runs \
        (tracker show NAME), so a name another run has is refused; --clear removes the name.

        Examples:
          tracker rename 3f2a adam-baseline
          tracker rename adam-baseline --clear
        """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("The run: its name, id or a unique id prefix.", valueName: "run"))
    var runID: String

    @Argument(help: "The new name.")
    var name: String?

    @Flag(help: "Remove the run's name instead.")
    var clear = false

    func validate() throws {
      switch (name, clear) {
      case (nil, false): throw ValidationError("give the new name, or --clear to remove it")
      case (.some, true): throw ValidationError("give a new name or --clear, not both")
      case (let name?, false) where name.trimmingCharacters(in: .whitespaces).isEmpty:
        throw ValidationError("the name is empty; give one, or --clear to remove the name")
      case (let name?, false) where name != name.trimmingCharacters(in: .whitespaces):
        throw ValidationError("'\(name)' starts or ends with a space; give the name without")
      default: break
      }
    }

    func run() throws {
      let store = try RunStore.openExisting(path: database.resolvedPath, forWriting: true)
      print(try perform(store), terminator: "")
    }

    /// Renames the run; returns what to print.
    func perform(_ store: RunStore) throws -> String {
      let run = try store.resolve(run: runID)
      try store.rename(run, to: clear ? nil : name)
      let before = run.name.map { "'\($0)'" } ?? "no name"
      let after = clear ? "no name" : "'\(name ?? "")'"
      return "run \(run.shortID): \(before) -> \(after)\n"
    }
  }
}
