// `tracker run`: train one network and record the run, its metrics and its environment.
import ArgumentParser
import Foundation
import TrackerEngine
import TrackerStore

extension OptimizerKind: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}
extension DatasetName: ExpressibleByArgument {}

extension Tracker {
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train the network with one optimizer and record the run.",
      discussion: """
        Trains MultiLayerNet (784 -> --hidden -> 10) for --iters iterations of --batch-size \
        images drawn with replacement, and records into the database: every hyperparameter, \
        the loss of every iteration, train (mini-batch) and test (full test set) accuracy \
        every --eval-interval iterations, status, timing and environment. Metrics are \
        written while the run goes, so a stopped run keeps what it logged. Ctrl-C stops \
        the run cleanly and records it as interrupted.

        Defaults are the reference experiment. Examples:
          tracker run --opt adam --seed 1
          tracker run --opt adagrad --lr 0.1 --tag sweep=lr --name adagrad-fast
          tracker run --opt sgd --activation relu --weight-init he --hidden 100,50
        """)

    @OptionGroup var database: DatabaseOptions

    // MARK: - What to train

    // Parsed by OptimizerName so a typo reads as in every other command.
    @Option(
      name: .customLong("opt"), help: "The optimizer (sgd, momentum, adagrad, rmsprop, adam).",
      transform: OptimizerName.parse)
    var optimizer: OptimizerKind

    // Numeric options parse their next argument unconditionally, so that `--lr -1` is
    // rejected as a negative rate rather than as "missing value" (-1 looks like an option).
    @Option(
      parsing: .unconditional,
      help: "Seed for weights and mini-batches (default: a random one, recorded with the run).")
    var seed: UInt64?

    @Option(parsing: .unconditional, help: "Learning rate.")
    var lr: Double = 0.01

    @Option(parsing: .unconditional, help: "Number of training iterations.")
    var iters: Int = 1000

    @Option(
      parsing: .unconditional,
      help: "Images per mini-batch, drawn uniformly with replacement.")
    var batchSize: Int = 100

    @Option(
      parsing: .unconditional,
      help: "Evaluate train and test accuracy every this many iterations.")
    var evalInterval: Int = 10

    @Option(help: "Hidden layer sizes, comma-separated.")
    var hidden: String = "40,20"

    @Option(help: "Hidden-layer activation.")
    var activation: Activation = .sigmoid

    @Option(
      parsing: .unconditional,
      help: "Weight initialisation: a standard deviation, 'he' or 'xavier'.")
    var weightInit: String = "0.01"

    @Flag(help: "Add batch normalisation after each hidden affine layer.")
    var batchnorm = false

    @Option(
      parsing: .unconditional,
      help: ArgumentHelp(
        """
        Hold out the last N training images as a validation set (the same N images for \
        every seed); mini-batches are drawn from the others, and the last evaluation also \
        records validation accuracy. 0: none.
        """, valueName: "N"))
    var validation: Int = 0

    // MARK: - Optimizer hyperparameters (each used by one optimizer only)

    @Option(parsing: .unconditional, help: "Momentum: velocity decay mu.")
    var momentum: Double = 0.9

    @Option(
      parsing: .unconditional,
      help: "AdaGrad: initial value theta of the squared-gradient sum.")
    var adagradTheta: Double = 1e-4

    @Option(parsing: .unconditional, help: "RMSProp: decay rate of the squared-gradient average.")
    var decayRate: Double = 0.99

    @Option(parsing: .unconditional, help: "Adam: decay rate of the first moment.")
    var beta1: Double = 0.9

    @Option(parsing: .unconditional, help: "Adam: decay rate of the second moment.")
    var beta2: Double = 0.999

    // MARK: - Data, labels, execution

    // Optional, so that a --dataset the files contradict is an error: the
    // recorded name comes from the files' fingerprint (DatasetName.identify).
    @Option(
      help: """
        The data set, where to look for it by default and what the files must be \
        (default: mnist's folder; the name recorded comes from the files, 'custom' for \
        other data).
        """)
    var dataset: DatasetName?

    @Option(
      help: ArgumentHelp(
        """
        Folder with the four IDX files, plain or .gz (default: $TRACKER_DATA_DIR/<dataset>, \
        else ~/.cache/tracker/<dataset>, where scripts/fetch-mnist puts MNIST; \
        fashion-mnist falls back to /usr/share/datasets/fashion-mnist).
        """,
        valueName: "dir"))
    var dataDir: String?

    @Option(help: "A name for the run.")
    var name: String?

    @Option(help: ArgumentHelp("A label as key=value; repeatable.", valueName: "key=value"))
    var tag: [Tag] = []

    @Option(
      parsing: .unconditional,
      help: "Threads for test-set evaluation; results do not depend on it.")
    var threads: Int = min(
      ProcessInfo.processInfo.activeProcessorCount, TrainingConfig.maximumThreads)

    @Flag(name: .shortAndLong, help: "Print only the final summary line.")
    var quiet = false

    @Flag(help: "Print where the time went (data, database, training loop, recording) to stderr.")
    var timing = false

    @Flag(
      name: .customLong("timing-json"),
      help: "The same as one JSON object on one line, for scripts (scripts/bench-train).")
    var timingJSON = false

    /// The id to record the run under, chosen by `sweep` so that it can read the
    /// run back from the database when this process ends.
    @Option(help: .hidden)
    var runID: String?

    /// Set by `sweep` (its pid): this run stops when the sweep ends, even by kill -9.
    @Option(help: .hidden)
    var parentPID: Int32?

    /// Set by `sweep`: exit with status 75 instead of beginning the run when
    /// another process is running the same configuration and seed.
    @Flag(help: .hidden)
    var skipIfTaken = false

    func validate() throws {
      _ = try trainingConfig()
      if threads < 1 { throw ValidationError("--threads must be at least 1") }
      if let name, name.isEmpty {
        throw ValidationError("--name must not be empty; leave it out instead")
      }
      if let runID, !NewRun.isValidID(runID) {
        throw ValidationError("--run-id '\(runID)' is not a lower-case UUID")
      }
      var keys = Set<String>()
      for t in tag where !keys.insert(t.key).inserted {
        throw ValidationError("--tag \(t.key) is given twice; give each key once")
      }
    }

    /// The engine configuration these options describe, or a ValidationError naming the bad option.
    func trainingConfig() throws -> TrainingConfig {
      var config = TrainingConfig()
      config.hidden = try parseHidden(hidden)
      config.activation = activation
      guard let wi = WeightInit(weightInit) else {
        throw ValidationError(
          "--weight-init '\(weightInit)' is not valid; use a positive number such as 0.01, 'he' or 'xavier'"
        )
      }
      config.weightInit = wi
      config.batchNorm = batchnorm
      config.optimizer = optimizer
      config.settings.lr = lr
      config.settings.momentum = momentum
      config.settings.adagradTheta = adagradTheta
      config.settings.decayRate = decayRate
      config.settings.beta1 = beta1
      config.settings.beta2 = beta2
      config.iterations = iters
      config.batchSize = batchSize
      config.evalInterval = evalInterval
      config.validation = validation
      config.seed = seed ?? 0
      config.threads = max(1, threads)
      do {
        try config.validate()
      } catch {
        throw ValidationError(String(describing: error))
      }
      return config
    }

    func run() throws {
      let clock = ContinuousClock()
      let began = clock.now
      if let parentPID { try ParentWatch.tie(to: parentPID) }
      try CPUCheck.require()
      var config = try trainingConfig()
      for option in config.unusedOptions {
        printError("note: \(option) is not used by --opt \(optimizer.rawValue); ignored")
      }
      config.seed = seed ?? UInt64.random(in: 1..<1_000_000)  // short enough to read and retype
      let dbPath = database.resolvedPath
      // Check everything we can before the database is touched: a bad --db or missing
      // data must leave the database exactly as it was.
      try RunStore.validatePath(dbPath)
      let dir = dataDir ?? DataLocation.defaultDirectory(for: dataset ?? .mnist)
      let data = try Dataset.load(name: (dataset ?? .mnist).rawValue, directory: dir)
      let identity = try DatasetName.identify(data, claimed: dataset, directory: dir)
      try Self.checkSizes(
        batchSize: config.batchSize, validation: config.validation, trainCount: data.trainCount)

      let loaded = clock.now
      let store = try RunStore.open(path: dbPath)
      let opened = clock.now
      let description = newRun(config: config, data: data, dataset: identity)
      let recorder: RunRecorder
      do {
        recorder =
          skipIfTaken
          ? try store.beginUnlessTaken(description, databasePath: dbPath)
          : try store.begin(description)
      } catch let taken as CellTaken {
        printError("Error: \(taken)")
        throw ExitCode(CellTaken.exitCode)
      }
      let begun = clock.now
      let console = Console(
        quiet: quiet, evalInterval: config.evalInterval, iterations: config.iterations)
      let outcome = try RunSession(recorder: recorder, console: console).train(config, on: data)
      console.summary(runID: recorder.runID, config: config, outcome: outcome)
      if outcome.status == .completed { Self.noteDuplicate(store, runID: recorder.runID) }
      if timing || timingJSON {
        // Recording: inserting the run, its metrics and its end (not opening the database).
        let recording = (begun - opened).seconds + outcome.recordingSeconds
        let total = (clock.now - began).seconds
        let report = TimingReport(
          data: (loaded - began).seconds, database: (opened - loaded).seconds,
          loop: outcome.seconds, engine: outcome.engineSeconds, recording: recording,
          total: total)
        if timing { printError(report.line) }
        if timingJSON { printError(report.json) }
      }
      if outcome.status == .interrupted { throw ExitCode(outcome.signalExitCode) }
      if outcome.status != .completed { throw ExitCode.failure }
    }

    /// Says on stderr when run `runID` repeats a completed run of the same
    /// configuration and seed, and whether their metrics came out identical.
    /// The run is recorded all the same (users rerun to verify); compare counts
    /// the seed once. Best effort: a failed read only leaves the note out.
    static func noteDuplicate(_ store: RunStore, runID: String) {
      guard let run = try? store.run(id: runID),
        let earlier = try? store.earlierDuplicate(of: runID)
      else { return }
      let difference: Int?
      do { difference = try store.firstDifference(earlier, run) } catch { return }
      let outcome =
        difference.map { "its metrics differ from iteration \($0) on" }
        ?? "its metrics are bit-identical"
      printError(
        "note: run \(run.shortID) duplicates run \(earlier.shortID) (same configuration and seed;"
          + " compare counts the seed once); \(outcome)")
    }

    /// The batch size and validation set fit in `trainCount` training images.
    static func checkSizes(batchSize: Int, validation: Int, trainCount: Int) throws {
      guard batchSize <= trainCount else {
        throw InputError(
          "--batch-size \(batchSize) is larger than the training set (\(trainCount) images); use at most \(trainCount)"
        )
      }
      let left = trainCount - validation
      guard batchSize <= left else {
        throw InputError(
          "--validation \(validation) leaves \(max(0, left)) of the \(trainCount) training images, fewer than --batch-size \(batchSize); hold out at most \(trainCount - batchSize)"
        )
      }
    }

    private func newRun(config: TrainingConfig, data: Dataset, dataset: DatasetName) -> NewRun {
      NewRun(
        id: runID ?? UUID().uuidString.lowercased(), name: name,
        settings: RunSettings(config, dataset: dataset, datasetHash: data.fingerprint),
        baseline: LearningStart.baseline(testLabels: data.testLabels), startedAt: Date(),
        trackerVersion: Tracker.version, host: ProcessInfo.processInfo.hostName,
        pid: ProcessInfo.processInfo.processIdentifier,
        command: CommandLine.arguments.map(shellQuoted).joined(separator: " "),
        tags: tag.map { (key: $0.key, value: $0.value) })
    }
  }
}

/// "40,20" -> [40, 20]; anything else is a ValidationError that shows the expected form.
func parseHidden(_ text: String) throws -> [Int] {
  let parts = text.split(separator: ",", omittingEmptySubsequences: false)
  let sizes = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
  guard !text.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else {
    throw ValidationError(
      "--hidden '\(text)' is not valid; give positive layer sizes separated by commas, e.g. --hidden 40,20"
    )
  }
  return sizes.map { $0! }
}

/// Quotes an argument for a POSIX shell when it needs it, so `command` can be pasted back.
func shellQuoted(_ arg: String) -> String {
  let safe = CharacterSet(
    charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=+.,/:@%")
  if !arg.isEmpty && arg.unicodeScalars.allSatisfy({ safe.contains($0) }) { return arg }
  return "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
