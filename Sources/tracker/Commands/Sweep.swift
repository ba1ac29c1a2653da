// `tracker sweep`: run a grid of configurations (optimizers × seeds × any run option
// given as a list), several at a time, skipping what is already done, then compare.
import ArgumentParser
import Foundation
import TrackerEngine
import TrackerReports
import TrackerStore

extension Tracker {
  struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run every combination of optimizers, seeds and options, then compare them.",
      discussion: """
        Runs the cross product of the lists given (each as its own 'tracker run' process, \
        --jobs at a time) and prints the comparison of the runs, as 'tracker compare' \
        would. Lists are comma-separated or repeated options (--lr 0.1,0.01 or --lr 0.1 \
        --lr 0.01); --hidden takes one architecture per option (--hidden 40,20 --hidden \
        100). Options of one optimizer (--momentum, --beta1, ...) multiply only its runs. \
        Options left out take 'tracker run''s defaults.

        A sweep can be resumed: a cell (configuration and seed) that already has a completed \
        run in the database is skipped, and the sweep's --tag labels are added to that run, \
        so '--tag' views see every cell; a cell that diverged before is skipped too unless \
        --retry-diverged is given. Running the same command again after an interruption runs \
        only what is missing; a cell that another process is running is waited for, not \
        run twice. Values are compared as numbers: --lr 0.01,1e-2 is one rate. \
        One failing run does not stop the others; the exit status is \
        0 only if every configuration completed. Ctrl-C stops the runs in progress (they are \
        recorded as interrupted) and exits with 130; the runs stop too when the sweep is \
        killed. See docs/robustness.md.

        With --slurm the grid is submitted to a Slurm cluster as one job array instead: \
        each task trains its runs into its own shard database under --shard-dir, and a \
        final job merges the shards into --db and writes the comparison to its output \
        (--wait waits for it and prints it). See docs/cluster.md.

        Examples:
          tracker sweep --opt sgd,momentum,adagrad,rmsprop,adam --seeds 1-5 --jobs 2
          tracker sweep --opt sgd --lr 0.1,0.01,0.001 --seeds 1-3 --tag sweep=lr
          tracker sweep --opt adam --seeds 1,2 --hidden 40,20 --hidden 100 --batchnorm --no-batchnorm
          tracker sweep --opt sgd,adam --seeds 1-10 --slurm --partition cpu --time 1:00:00 --wait
        """)

    @OptionGroup var database: DatabaseOptions

    // MARK: - The grid

    @Option(
      name: .customLong("opt"),
      help: ArgumentHelp(
        "Optimizers: sgd, momentum, adagrad, rmsprop, adam (comma-separated).", valueName: "list"))
    var optimizers: [String]

    @Option(
      parsing: .unconditional,
      help: ArgumentHelp(
        "Seeds: a range (1-5), a list (1,2,7) or both (1-3,10).", valueName: "seeds"))
    var seeds: String

    // Numbers parse unconditionally, so that `--lr -1` is rejected as a bad rate.
    @Option(parsing: .unconditionalSingleValue, help: "Learning rates.")
    var lr: [String] = []

    @Option(parsing: .unconditionalSingleValue, help: "Numbers of training iterations.")
    var iters: [String] = []

    @Option(parsing: .unconditionalSingleValue, help: "Mini-batch sizes.")
    var batchSize: [String] = []

    @Option(parsing: .unconditionalSingleValue, help: "Evaluation intervals.")
    var evalInterval: [String] = []

    @Option(
      help: ArgumentHelp(
        "Hidden layer sizes, one architecture per option (e.g. --hidden 40,20 --hidden 100).",
        valueName: "sizes"))
    var hidden: [String] = []

    @Option(help: "Hidden-layer activations: sigmoid, relu.")
    var activation: [String] = []

    @Option(parsing: .unconditionalSingleValue, help: "Weight initialisations: std, he, xavier.")
    var weightInit: [String] = []

    @Flag var batchnorm: [BatchnormChoice] = []

    @Option(
      parsing: .unconditionalSingleValue,
      help: "Validation set sizes: training images held out (see 'tracker run --help').")
    var validation: [String] = []

    @Option(parsing: .unconditionalSingleValue, help: "Momentum values (momentum runs only).")
    var momentum: [String] = []

    @Option(parsing: .unconditionalSingleValue, help: "AdaGrad thetas (adagrad runs only).")
    var adagradTheta: [String] = []

    @Option(parsing: .unconditionalSingleValue, help: "RMSProp decay rates (rmsprop runs only).")
    var decayRate: [String] = []

    @Option(parsing: .unconditionalSingleValue, help: "Adam beta1 values (adam runs only).")
    var beta1: [String] = []

    @Option(parsing: .unconditionalSingleValue, help: "Adam beta2 values (adam runs only).")
    var beta2: [String] = []

    @Option(help: "Data sets: mnist, fashion-mnist.")
    var dataset: [String] = []

    // MARK: - For every run

    @Option(
      help: ArgumentHelp(
        "Folder with the four IDX files (one data set only; default: see 'tracker run --help').",
        valueName: "dir"))
    var dataDir: String?

    @Option(
      help: ArgumentHelp("A label for every run, as key=value; repeatable.", valueName: "key=value")
    )
    var tag: [Tag] = []

    @Option(parsing: .unconditional, help: "Threads for each run's test-set evaluation.")
    var threads: Int?

    // MARK: - The sweep

    @Option(parsing: .unconditional, help: "Runs at a time, each its own process.")
    var jobs: Int = 1

    @Flag(help: "Run again the cells whose earlier run diverged (default: skip them).")
    var retryDiverged = false

    @Option(help: "Format of the comparison printed at the end.")
    var format: OutputFormat = .table

    @OptionGroup(title: "Slurm") var cluster: SlurmOptions

    /// Every configuration, checked like `tracker run` checks its options, so a bad
    /// value stops the sweep before anything runs or the database is touched.
    func validate() throws {
      try SweepRunner.check(jobs: jobs)
      if let threads, threads < 1 {
        throw ValidationError("--threads must be at least 1")
      }
      _ = try grid()
    }

    func run() throws {
      try CPUCheck.require()
      let grid = try grid()
      let path = database.resolvedPath
      // Check the data (and batch sizes) once, before the database is touched: a bad
      // data folder must leave it exactly as it was, not record a failed run per cell.
      try RunStore.validatePath(path)
      let cells = try identifyData(grid)
      let store = try RunStore.open(path: path)
      // Runs of a killed earlier sweep are not 'running' (nor completed): redo them.
      _ = try? store.markAbandonedRuns()
      if cluster.slurm { return try runOnSlurm(cells, store: store, path: path) }
      var runner = SweepRunner(
        cells: cells, store: store, databasePath: path, jobs: jobs,
        tags: tag.map { (key: $0.key, value: $0.value) }, retryDiverged: retryDiverged)
      let result = try runner.run()
      try printComparison(result, store: store)
      if let signal = result.stopSignal { throw ExitCode(128 + signal) }
      if !result.allCompleted { throw ExitCode.failure }
    }

    /// The comparison of this sweep's completed runs (skipped or run now), as
    /// `tracker compare` prints it, with its diverged runs counted.
    private func printComparison(_ result: SweepRunner.Result, store: RunStore) throws {
      let order = Self.optimizerOrder(optimizers)
      let ids = result.completedIDs.union(result.divergedIDs)
      let selection = try RunSelection(
        store, filter: RunFilter(optimizers: order, statuses: [.completed]),
        optimizerOrder: order, countDiverged: true, keep: { ids.contains($0.id) })
      guard !selection.runs.isEmpty || !selection.diverged.isEmpty else { return }
      let report = CompareReport(
        groups: try selection.groups(), margin: LearningStart.defaultMargin)
      print(selection.comparison(report, format: format), terminator: "")
    }
  }
}

/// `--batchnorm` and `--no-batchnorm`; both flags give runs with and without.
enum BatchnormChoice: EnumerableFlag {
  case batchnorm, noBatchnorm

  static func name(for value: Self) -> NameSpecification {
    switch value {
    case .batchnorm: .customLong("batchnorm")
    case .noBatchnorm: .customLong("no-batchnorm")
    }
  }

  static func help(for value: Self) -> ArgumentHelp? {
    switch value {
    case .batchnorm: "Runs with batch normalisation; give both flags for both kinds."
    case .noBatchnorm: "Runs without batch normalisation (the default)."
    }
  }
}
