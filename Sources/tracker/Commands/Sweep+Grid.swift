// Sweep+Grid: the sweep's options become a list of cells, each one `tracker run`
// command line, checked by the run command's own parser, with the settings it
// stores (`RunSettings`), which find a completed run of that exact configuration.
import ArgumentParser
import Foundation
import TrackerEngine
import TrackerStore

/// One configuration of a sweep.
struct SweepCell {
  /// The `tracker run` arguments (without `run`, `--db` and `--quiet`).
  var arguments: [String]
  /// "adam seed 3 lr=0.01": the optimizer, the seed and the swept values.
  var label: String
  /// What `tracker run` stores for this configuration. The data set's name
  /// and fingerprint are filled in by `identifyData` once the data is read.
  var settings: RunSettings
  /// The --dataset given, if any (the folder to read and what it must hold).
  var dataset: DatasetName?

  /// Runs of exactly this configuration and seed (every hyperparameter column
  /// and the data's fingerprint) in any of `statuses`.
  func runs(_ statuses: [RunStatus]) -> RunFilter {
    precondition(settings.datasetHash != nil, "identifyData fills the fingerprint first")
    return RunFilter(sameAs: settings, statuses: statuses)
  }

  /// The run that makes this cell done: the earliest of its runs in `statuses`,
  /// completed ones first, that `tags` can be added to (none of its tags has
  /// one of their keys with another value); the tags are then added, so that
  /// '--tag' views see every cell. Nil when there is none.
  func doneRun(
    in store: RunStore, statuses: [RunStatus], tags: [(key: String, value: String)]
  ) throws -> StoredRun? {
    let candidates = try store.runs(matching: runs(statuses), includeTags: true).sorted {
      ($0.status != .completed ? 1 : 0, $0.seq) < ($1.status != .completed ? 1 : 0, $1.seq)
    }
    for run in candidates {
      let conflicts = tags.contains { tag in
        run.tags.contains { $0.key == tag.key && $0.value != tag.value }
      }
      if conflicts { continue }
      try store.addTags(tags, to: run)
      return run
    }
    return nil
  }
}

extension Tracker.Sweep {
  /// At most this many runs per sweep: a typo such as --seeds 1-100000 should be
  /// an error, not a week of training.
  static let maximumCells = 10_000

  /// Every cell: seeds outermost (so an interrupted sweep has whole seeds of every
  /// optimizer), then optimizers, then the other lists in option order.
  func grid() throws -> [SweepCell] {
    let seedList = try Self.parseSeeds(seeds)
    let optimizerList = try Self.items(optimizers, option: "--opt")
    for name in optimizerList { _ = try OptimizerName.parse(name) }
    let datasets = try Self.items(dataset, option: "--dataset")
    if dataDir != nil, datasets.count > 1 {
      throw ValidationError(
        "--data-dir holds one data set but --dataset lists \(datasets.count); sweep one data set at a time"
      )
    }
    var common: [Dimension] = []
    for (option, values) in [
      ("--dataset", datasets), ("--lr", try Self.items(lr, option: "--lr")),
      ("--iters", try Self.items(iters, option: "--iters")),
      ("--batch-size", try Self.items(batchSize, option: "--batch-size")),
      ("--eval-interval", try Self.items(evalInterval, option: "--eval-interval")),
      ("--hidden", Self.unique(hidden, by: Self.hiddenValue)),
      ("--activation", try Self.items(activation, option: "--activation")),
      ("--weight-init", try Self.items(weightInit, option: "--weight-init", by: Self.initValue)),
      ("--validation", try Self.items(validation, option: "--validation")),
    ] where !values.isEmpty {
      common.append(Dimension(option: option, values: values))
    }
    let norms = Self.unique(batchnorm.map { $0 == .batchnorm ? "on" : "off" })
    if !norms.isEmpty {
      common.append(
        Dimension(
          option: "--batchnorm", values: norms,
          arguments: norms.map { $0 == "on" ? ["--batchnorm"] : [] },
          labels: norms.map { $0 == "on" ? "batchnorm" : "no-batchnorm" }))
    }
    let specific: [(String, [String], OptimizerKind)] = [
      ("--momentum", momentum, .momentum), ("--adagrad-theta", adagradTheta, .adagrad),
      ("--decay-rate", decayRate, .rmsprop), ("--beta1", beta1, .adam), ("--beta2", beta2, .adam),
    ]
    var perOptimizer: [String: [Dimension]] = [:]
    for (option, raw, kind) in specific where !raw.isEmpty {
      perOptimizer[kind.rawValue, default: []].append(
        Dimension(option: option, values: try Self.items(raw, option: option)))
    }

    var shared: [String] = []
    if let dataDir { shared += ["--data-dir", dataDir] }
    for t in tag { shared += ["--tag", "\(t.key)=\(t.value)"] }
    if let threads { shared += ["--threads", String(threads)] }

    // seeds × Σ over optimizers of the product of their dimensions: each
    // optimizer's runs are its own sub-grid. Counted in Double so that a huge
    // product cannot overflow before it is compared.
    let perSeed = optimizerList.map { name in
      (common + perOptimizer[name, default: []]).map { Double($0.values.count) }.reduce(1, *)
    }.reduce(0, +)
    guard Double(seedList.count) * perSeed <= Double(Self.maximumCells) else {
      throw ValidationError(
        "this sweep has more than \(Self.maximumCells) runs; give fewer seeds or values per option")
    }

    var cells: [SweepCell] = []
    for seed in seedList {
      for name in optimizerList {
        let dimensions = common + perOptimizer[name, default: []]
        for choice in Self.product(dimensions.map(\.values.indices)) {
          var arguments = ["--opt", name, "--seed", String(seed)]
          var label = "\(name) seed \(seed)"
          for (dimension, index) in zip(dimensions, choice) {
            arguments += dimension.arguments[index]
            if dimension.values.count > 1 { label += " " + dimension.labels[index] }
          }
          cells.append(try Self.cell(arguments + shared, label: label))
        }
      }
    }
    return cells
  }

  /// The cell for `arguments`, checked by `tracker run`'s own parser and validation.
  static func cell(_ arguments: [String], label: String) throws -> SweepCell {
    let run: Tracker.Run
    let config: TrainingConfig
    do {
      run = try Tracker.Run.parse(arguments)
      try run.validate()
      config = try run.trainingConfig()
    } catch {
      throw ValidationError(Tracker.Run.message(for: error))
    }
    return SweepCell(
      arguments: arguments, label: label,
      settings: RunSettings(config, dataset: run.dataset ?? .mnist, datasetHash: nil),
      dataset: run.dataset)
  }

  /// Loads each data set the grid uses once, so missing or broken files, a
  /// --dataset the files contradict, and batch sizes (or validation sets) larger
  /// than the training set stop the sweep before anything runs; and fills in
  /// each cell's data identity (name and fingerprint), as its run will record
  /// them, so that cells done before are found by their whole configuration.
  func identifyData(_ cells: [SweepCell]) throws -> [SweepCell] {
    try Self.identifyData(cells, dataDir: dataDir)
  }

  /// The same for any list of cells (`tune` uses it too).
  static func identifyData(_ cells: [SweepCell], dataDir: String?) throws -> [SweepCell] {
    var cells = cells
    for choice in [nil] + DatasetName.allCases.map(Optional.some) {
      let settings = cells.filter { $0.dataset == choice }.map(\.settings)
      guard !settings.isEmpty else { continue }
      let dir = dataDir ?? DataLocation.defaultDirectory(for: choice ?? .mnist)
      let data = try Dataset.load(name: (choice ?? .mnist).rawValue, directory: dir)
      let identity = try DatasetName.identify(data, claimed: choice, directory: dir)
      for s in settings {
        try Tracker.Run.checkSizes(
          batchSize: s.batchSize, validation: s.validation, trainCount: data.trainCount)
      }
      for index in cells.indices where cells[index].dataset == choice {
        cells[index].settings.dataset = identity.rawValue
        cells[index].settings.datasetHash = data.fingerprint
      }
    }
    return cells
  }

  // MARK: - Parsing lists

  /// One list option's values: each occurrence split at commas, values equal
  /// by `value` dropped after the first (numbers by value: 0.01, 0.010 and
  /// 1e-2 are one learning rate).
  static func items(
    _ occurrences: [String], option: String, by value: (String) -> String = numberValue
  ) throws -> [String] {
    var values: [String] = []
    for text in occurrences {
      let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        .map { $0.trimmingCharacters(in: .whitespaces) }
      guard !parts.contains(where: \.isEmpty) else {
        throw ValidationError(
          "\(option) '\(text)' has an empty value; separate values with single commas, e.g. \(option) 0.1,0.01"
        )
      }
      values += parts
    }
    return unique(values, by: value)
  }

  /// `values` without those whose `value` came before.
  static func unique(_ values: [String], by value: (String) -> String = { $0 }) -> [String] {
    var seen = Set<String>()
    return values.filter { seen.insert(value($0)).inserted }
  }

  /// A number as the double it reads as; other text as itself.
  static func numberValue(_ text: String) -> String {
    Double(text).map { "\($0)" } ?? text
  }

  /// "40, 20" and "40,20" are one architecture.
  static func hiddenValue(_ text: String) -> String {
    (try? parseHidden(text)).map { $0.map(String.init).joined(separator: ",") } ?? text
  }

  /// A weight init as stored (WeightInit.description): 0.01 and 1e-2 are one.
  static func initValue(_ text: String) -> String {
    WeightInit(text)?.description ?? text
  }

  /// The optimizers in the order given, for the comparison's row order.
  static func optimizerOrder(_ occurrences: [String]) -> [String] {
    (try? items(occurrences, option: "--opt")) ?? []
  }

  /// "1-5", "1,2,7", "1-3,10" -> the seeds in order, without repeats.
  static func parseSeeds(_ text: String) throws -> [UInt64] {
    func bad(_ why: String) -> ValidationError {
      ValidationError(
        "--seeds '\(text)' is not valid: \(why); give e.g. --seeds 1-5 or --seeds 1,2,7")
    }
    var seeds: [UInt64] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
        .map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
      guard !part.isEmpty, bounds.count <= 2, let low = bounds.first ?? nil,
        let high = bounds.last ?? nil
      else { throw bad("'\(part)' is not a seed (a whole number from 0) or a range like 1-5") }
      guard low <= high else { throw bad("the range \(part) runs backwards, write \(high)-\(low)") }
      guard high - low < UInt64(maximumCells) else {
        throw bad("the range \(part) has more than \(maximumCells) seeds")
      }
      seeds += Array(low...high)
    }
    var seen = Set<UInt64>()
    return seeds.filter { seen.insert($0).inserted }
  }

  /// Every combination of one index per range, the last varying fastest.
  static func product(_ ranges: [Range<Int>]) -> [[Int]] {
    ranges.reduce([[]]) { partial, range in
      partial.flatMap { prefix in range.map { prefix + [$0] } }
    }
  }
}

/// One swept option: its values, the run arguments and the label of each.
struct Dimension {
  var values: [String]
  var arguments: [[String]]
  var labels: [String]

  init(option: String, values: [String], arguments: [[String]]? = nil, labels: [String]? = nil) {
    self.values = values
    // `--lr=-1` rather than `--lr -1`: a value never reads as an option.
    self.arguments = arguments ?? values.map { ["\(option)=\($0)"] }
    self.labels = labels ?? values.map { "\(option.dropFirst(2))=\($0)" }
  }
}
