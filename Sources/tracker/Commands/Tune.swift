// `tracker tune`: a fair optimizer comparison in one command. Each optimizer's
// learning rate is tuned on a log grid against a validation split (never the test
// set), the selected rate is re-run with every seed, and the report ranks the
// optimizers on test accuracy with tests against the best. The runs go through
// the sweep runner (parallel, resumable, recorded); the tune's definition is
// stored so that `--report NAME` rebuilds it from the database alone.
import ArgumentParser
import Foundation
import TrackerEngine
import TrackerReports
import TrackerStore

extension Tracker {
  struct Tune: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Tune each optimizer's learning rate on a validation split, then compare them.",
      discussion: """
        1. search: every optimizer at every learning rate of the grid (--lr, --points), \
        with the search seeds, training on the training set less its last --validation \
        images; these runs evaluate only at their last iteration. 2. select: per optimizer \
        the rate with the best mean final validation accuracy (ties: the smaller rate; a \
        rate with a diverged or blown-up run never wins); a rate at the edge of the grid is \
        flagged. 3. confirm: the selected rate with every seed, evaluating every \
        --eval-interval. 4. report: final test accuracy (mean, sd, 95% CI), runs at chance, \
        learning start, time to --target, a ranking, and Welch tests against the best, \
        Holm-corrected.

        Runs are recorded and tagged tune=NAME, tune-stage=search|confirm. Running the \
        same command again reuses every finished run (a diverged run is a result, not \
        retried); --report NAME prints the report from the database alone. See docs/tune.md.

        With --slurm each stage is submitted to a Slurm cluster as one job array and \
        waited for (--wait is implied); its final job merges the shards into --db, and the \
        tune goes on from there. See docs/cluster.md.

        Examples:
          tracker tune
          tracker tune --opt sgd,adam --lr 1e-3..1 --points 7 --seeds 1-5
          tracker tune --report tune-3f2a9c1e --format json
          tracker tune --opt sgd,adam --slurm --partition cpu --time 1:00:00
        """)

    @OptionGroup var database: DatabaseOptions

    // MARK: - The tune

    @Option(
      name: .customLong("opt"),
      help: ArgumentHelp("Optimizers (comma-separated).", valueName: "list"))
    var optimizers: [String] = ["sgd,momentum,adagrad,rmsprop,adam"]

    @Option(
      parsing: .unconditional,
      help: ArgumentHelp(
        "Learning rates: low..high (log-spaced, --points rates) or a list.", valueName: "rates"))
    var lr = "1e-4..10"

    @Option(parsing: .unconditional, help: "Rates in a low..high grid.")
    var points = 16

    @Option(parsing: .unconditional, help: "Seeds of the confirm runs (e.g. 1-10).")
    var seeds = "1-10"

    @Option(
      parsing: .unconditional, help: "Seeds of the search runs (default: the first 2 seeds).")
    var searchSeeds: String?

    @Option(
      parsing: .unconditional,
      help: "Training images held out (the last ones) to select the rate on.")
    var validation = 10_000

    @Option(
      parsing: .unconditional, help: "Test accuracy for 'time to target' (a fraction, 0 to 1).")
    var target = 0.9

    @Option(help: "The tune's name (default: tune-<hash of its settings>).")
    var name: String?

    @Option(
      name: .customLong("report"),
      help: ArgumentHelp(
        "Print the report of tune NAME from the database; runs nothing.", valueName: "name"))
    var reportName: String?

    // MARK: - Every run (as in `tracker run`)

    @Option(parsing: .unconditional, help: "Training iterations per run.")
    var iters = 1000

    @Option(parsing: .unconditional, help: "Images per mini-batch.")
    var batchSize = 100

    @Option(parsing: .unconditional, help: "Evaluation interval of the confirm runs.")
    var evalInterval = 10

    @Option(help: "Hidden layer sizes, comma-separated.")
    var hidden = "40,20"

    @Option(help: "Hidden-layer activation.")
    var activation: Activation = .sigmoid

    @Option(parsing: .unconditional, help: "Weight initialisation: a std, 'he' or 'xavier'.")
    var weightInit = "0.01"

    @Flag(help: "Batch normalisation after each hidden affine layer.")
    var batchnorm = false

    @Option(parsing: .unconditional, help: "Momentum: mu.")
    var momentum = 0.9

    @Option(parsing: .unconditional, help: "AdaGrad: initial theta.")
    var adagradTheta = 1e-4

    @Option(parsing: .unconditional, help: "RMSProp: decay rate.")
    var decayRate = 0.99

    @Option(parsing: .unconditional, help: "Adam: beta1.")
    var beta1 = 0.9

    @Option(parsing: .unconditional, help: "Adam: beta2.")
    var beta2 = 0.999

    @Option(
      help: """
        The data set the files must hold (default: mnist's folder; the name recorded comes \
        from the files, as in 'tracker run').
        """)
    var dataset: DatasetName?

    @Option(help: ArgumentHelp("Folder with the four IDX files.", valueName: "dir"))
    var dataDir: String?

    @Option(
      parsing: .unconditional,
      help: "Threads per run for its evaluations (default 1: --jobs runs fill the cores).")
    var threads = 1

    @Option(parsing: .unconditional, help: "Runs at a time, each its own process.")
    var jobs = min(SweepRunner.maximumJobs, max(1, ProcessInfo.processInfo.activeProcessorCount))

    @Option(help: "Format of the report.")
    var format: OutputFormat = .table

    @OptionGroup(title: "Slurm") var cluster: SlurmOptions

    func validate() throws {
      try SweepRunner.check(jobs: jobs)
      if let name, name.isEmpty || name.contains(where: \.isWhitespace) {
        throw ValidationError("--name '\(name)' is not valid; give a name without spaces")
      }
      guard target > 0, target <= 1 else {
        throw ValidationError("--target \(target) is not valid; give a test accuracy in (0, 1]")
      }
      if reportName != nil, cluster.slurm {
        throw ValidationError("--report runs nothing; leave out --slurm")
      }
      guard reportName == nil else { return }
      // Every run of the search checked by `tracker run`'s parser.
      _ = try plan().searchCells()
    }

    func run() throws {
      let path = database.resolvedPath
      if let reportName {
        let store = try RunStore.openExisting(path: path)
        print(try report(named: reportName, store), terminator: "")
        return
      }
      try CPUCheck.require()
      let plan = try plan()
      let search = try plan.searchCells()
      try RunStore.validatePath(path)
      // Loads the data once and checks it (and the split) before the database is touched.
      _ = try Tracker.Sweep.identifyData(search.map(\.cell), dataDir: dataDir)
      let store = try RunStore.open(path: path)
      _ = try? store.markAbandonedRuns()
      try store.saveTune(name: plan.name, definition: plan.definition, at: Date())

      let started = ContinuousClock.now
      try runStage("search", search.map(\.cell), store: store, path: path)
      var confirm: [SweepCell] = []
      for s in try plan.searches(store) {
        guard let lr = s.selectedLR else { continue }
        confirm += try plan.confirmCells(s.optimizer, lr: lr)
      }
      try runStage("confirm", confirm, store: store, path: path)
      let report = try report(plan, store)
      print(report.render(format), terminator: "")
      let seconds = (ContinuousClock.now - started) / .seconds(1)
      printError(
        "tune \(plan.name): done in \(Format.duration(seconds)); report again with 'tracker tune --report \(plan.name)'"
      )
      let incomplete = report.results.contains {
        $0.missing > 0 || $0.search.selected == nil || $0.search.points.contains { $0.missing > 0 }
      }
      if incomplete { throw ExitCode.failure }
    }

    // MARK: - Stages

    /// Runs the cells that have no finished (completed or diverged) run yet.
    private func runStage(_ stage: String, _ cells: [SweepCell], store: RunStore, path: String)
      throws
    {
      // The cells with their data's fingerprint, as their runs will record it.
      let cells = try Tracker.Sweep.identifyData(cells, dataDir: dataDir)
      let missing = try cells.filter { try store.finishedRun($0.settings) == nil }
      printError(
        "\(stage): \(cells.count) runs, \(cells.count - missing.count) already done, \(missing.count) to run"
      )
      guard !missing.isEmpty else { return }
      if cluster.slurm { return try runOnSlurm(missing, store: store, path: path) }
      // Tune finds finished runs by configuration itself (a diverged one counts
      // as finished), so the runner only runs what is missing.
      var runner = SweepRunner(
        cells: missing, store: store, databasePath: path, jobs: jobs, tags: [], retryDiverged: true)
      let result = try runner.run()
      if let signal = result.stopSignal { throw ExitCode(128 + signal) }
    }

    /// What --report NAME prints (`tracker serve` answers /api/tune/NAME with it).
    func report(named name: String, _ store: RunStore) throws -> String {
      try report(Self.plan(named: name, in: store), store).render(format)
    }

    func report(_ plan: TunePlan, _ store: RunStore) throws -> TuneReport {
      TuneReport(name: plan.name, definition: plan.definition, results: try plan.results(store))
    }

    // MARK: - Definition

    /// The tune these options describe.
    func plan() throws -> TunePlan {
      let optimizerList = try Tracker.Sweep.items(optimizers, option: "--opt")
      for name in optimizerList where OptimizerKind(rawValue: name) == nil {
        throw ValidationError(
          "--opt '\(name)' is not an optimizer; choose from \(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      let seedList = try Tracker.Sweep.parseSeeds(seeds).map { Int64(bitPattern: $0) }
      let searchList =
        try searchSeeds.map { try Tracker.Sweep.parseSeeds($0).map { Int64(bitPattern: $0) } }
        ?? Array(seedList.prefix(2))
      let grid = try TunePlan.grid(lr, points: points)
      guard validation > 0 else {
        throw ValidationError(
          "--validation \(validation) is not valid; tune selects on a validation set, hold out some images (default 10000)"
        )
      }
      var arguments = [
        "--batch-size", String(batchSize), "--hidden", hidden, "--activation",
        activation.rawValue, "--weight-init", weightInit, "--momentum=\(momentum)",
        "--adagrad-theta=\(adagradTheta)", "--decay-rate=\(decayRate)", "--beta1=\(beta1)",
        "--beta2=\(beta2)",
      ]
      if let dataset { arguments += ["--dataset", dataset.rawValue] }
      if batchnorm { arguments.append("--batchnorm") }
      let definition = TuneDefinition(
        optimizers: optimizerList, learningRates: grid, searchSeeds: searchList, seeds: seedList,
        validation: validation, target: target, iterations: iters, evalInterval: evalInterval,
        runArguments: arguments)
      let name = self.name ?? Self.defaultName(definition)
      var extra = ["--threads", String(threads)]
      if let dataDir { extra += ["--data-dir", dataDir] }
      return TunePlan(name: name, definition: definition, extra: extra)
    }

    /// "tune-" and 8 hex digits of the FNV-1a hash of the definition's JSON:
    /// the same settings always get the same name.
    static func defaultName(_ definition: TuneDefinition) -> String {
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      for byte in definition.json().utf8 {
        hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
      }
      let hex = String(hash >> 32, radix: 16)
      return "tune-" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// The plan of stored tune `name` (for --report, plot and report).
    static func plan(named name: String, in store: RunStore) throws -> TunePlan {
      guard let definition = try store.tuneDefinition(name: name) else {
        let names = try store.tuneNames()
        let known =
          names.isEmpty
          ? "none yet; start one with 'tracker tune'" : "tunes: \(names.joined(separator: ", "))"
        throw StoreError("no tune named '\(name)' in \(store.database.path) (\(known))")
      }
      return TunePlan(name: name, definition: definition, extra: [])
    }
  }
}
