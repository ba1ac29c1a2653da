// `tracker verify RUN`: trains a stored run again from its stored settings and
// seed, without recording anything, and checks that every loss and accuracy
// comes out exactly as stored: the claim that makes one run per configuration
// and seed enough (docs/querying.md, "Identity, duplicates, blow-ups").
import ArgumentParser
import Foundation
import TrackerEngine
import TrackerStore

extension Tracker {
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train a stored run again and check that its metrics come out bit-identical.",
      discussion: """
        Rebuilds the run's configuration from the database, reads its data (--data-dir, \
        else the default folder of its data set) and checks the files are the ones it \
        trained on (same fingerprint), trains without recording, and compares every loss \
        and evaluation with the stored ones, exactly. Prints 'bit-identical' and exits 0, \
        or names the first iteration that differs and exits 1. A run that stopped early \
        (interrupted, diverged) is checked up to where it stopped.

        Examples:
          tracker verify 3f2a9c1e
          tracker verify 3f2a --data-dir ~/data/my-digits
        """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("The run: its id or a unique prefix.", valueName: "run"))
    var runID: String

    @Option(
      help: ArgumentHelp(
        "Folder with the run's four IDX files (default: its data set's folder, as for 'run').",
        valueName: "dir"))
    var dataDir: String?

    @Option(
      parsing: .unconditional,
      help: "Threads for test-set evaluation; results do not depend on it.")
    var threads: Int = min(
      ProcessInfo.processInfo.activeProcessorCount, TrainingConfig.maximumThreads)

    func validate() throws {
      if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
      try CPUCheck.require()
      let store = try RunStore.openExisting(path: database.resolvedPath)
      let run = try store.resolve(runID)
      let details = try store.details(of: run)
      var config = try TrainingConfig(RunSettings(run))
      config.threads = min(threads, TrainingConfig.maximumThreads)
      let data = try loadData(of: run)
      let stored = try store.losses(of: run)
      let outcome = try Self.compare(
        config, on: data, losses: stored,
        evaluations: details.evaluations.map { ($0.iteration, $0.trainAccuracy, $0.testAccuracy) })
      print("run \(run.shortID): \(outcome.message)")
      if !outcome.identical { throw ExitCode.failure }
    }

    /// The run's data, checked to be the files it trained on.
    private func loadData(of run: StoredRun) throws -> Dataset {
      let name = DatasetName(rawValue: RunSettings(run).dataset) ?? .custom
      guard let dir = dataDir ?? (name == .custom ? nil : DataLocation.defaultDirectory(for: name))
      else {
        throw InputError(
          "run \(run.shortID) trained on custom data (fingerprint \(run.datasetHash)); pass its folder as --data-dir"
        )
      }
      let data = try Dataset.load(name: name.rawValue, directory: dir)
      guard data.fingerprint == run.datasetHash else {
        throw InputError(
          "the files in \(dir) (fingerprint \(data.fingerprint)) are not the data run \(run.shortID)"
            + " trained on (fingerprint \(run.datasetHash)); pass its folder as --data-dir")
      }
      return data
    }

    // MARK: - Comparing

    struct Outcome {
      var identical: Bool
      var message: String
    }

    /// Trains `config` and compares each event with the stored rows, stopping
    /// at the first difference or after the last stored iteration.
    static func compare(
      _ config: TrainingConfig, on data: Dataset, losses: [(iteration: Int, loss: Double?)],
      evaluations: [(iteration: Int, train: Double, test: Double)]
    ) throws -> Outcome {
      let storedLosses = Dictionary(losses.map { ($0.iteration, $0.loss) }) { a, _ in a }
      let storedEvaluations = Dictionary(evaluations.map { ($0.iteration, ($0.train, $0.test)) }) {
        a, _ in a
      }
      let last = max(losses.last?.iteration ?? 0, evaluations.last?.iteration ?? 0)
      var difference: String?
      var (lossesSeen, evaluationsSeen) = (0, 0)
      func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "NaN/inf" }
      _ = try TrackerEngine.train(config, on: data) { event in
        switch event {
        case .iteration(let i, let loss):
          if i > last { return .stop }
          let now: Double? = loss.isFinite ? loss : nil
          guard let stored = storedLosses[i], stored == now else {
            difference =
              "differs at iteration \(i): loss stored \(number(storedLosses[i] ?? nil)), now \(number(now))"
            return .stop
          }
          lossesSeen += 1
        case .evaluation(let i, let train, let test):
          if i > last { return .stop }
          guard let stored = storedEvaluations[i], stored == (train, test) else {
            let was = storedEvaluations[i].map { "\($0.0)/\($0.1)" } ?? "none"
            difference =
              "differs at iteration \(i): train/test accuracy stored \(was), now \(train)/\(test)"
            return .stop
          }
          evaluationsSeen += 1
        case .validation:
          // Validation accuracy is measured once, at the end; losses and
          // evaluations already pin every step of the run.
          break
        }
        return .proceed
      }
      if let difference { return Outcome(identical: false, message: difference) }
      guard lossesSeen == losses.count, evaluationsSeen == evaluations.count else {
        return Outcome(
          identical: false,
          message: "the rerun produced \(lossesSeen) of \(losses.count) stored losses and"
            + " \(evaluationsSeen) of \(evaluations.count) stored evaluations")
      }
      return Outcome(
        identical: true,
        message: "bit-identical: \(lossesSeen) losses and \(evaluationsSeen) evaluations match")
    }
  }
}
