// TuneStore: a tune's definition as the `tunes` table holds it (migration 0008),
// and the two reads a tune report needs beyond `runs`: the run of one
// configuration, and the first evaluation that reached a target accuracy. The
// definition is enough to rebuild every configuration of the tune, so a tune is
// reported from the database alone (`tracker tune --report NAME`).
import Foundation

/// What `tracker tune` was asked to do. Stored as JSON (keys in docs/tune.md).
public struct TuneDefinition: Codable, Equatable, Sendable {
  /// In the order given; the report ranks them by result.
  public var optimizers: [String]
  /// The learning-rate grid, ascending.
  public var learningRates: [Double]
  /// Seeds of the search runs (every grid point) and of the confirm runs (the
  /// selected rate).
  public var searchSeeds: [Int64]
  public var seeds: [Int64]
  /// Training images held out as the validation set by every run of the tune.
  public var validation: Int
  /// The test accuracy whose first evaluation gives "time to target".
  public var target: Double
  /// Iterations of every run; search runs evaluate only at the last one.
  public var iterations: Int
  /// The confirm runs' evaluation interval (their curves).
  public var evalInterval: Int
  /// Every other `tracker run` option of the runs, e.g. ["--batch-size", "100"].
  public var runArguments: [String]

  public init(
    optimizers: [String], learningRates: [Double], searchSeeds: [Int64], seeds: [Int64],
    validation: Int, target: Double, iterations: Int, evalInterval: Int, runArguments: [String]
  ) {
    self.optimizers = optimizers
    self.learningRates = learningRates
    self.searchSeeds = searchSeeds
    self.seeds = seeds
    self.validation = validation
    self.target = target
    self.iterations = iterations
    self.evalInterval = evalInterval
    self.runArguments = runArguments
  }

  enum CodingKeys: String, CodingKey {
    case optimizers
    case learningRates = "learning_rates"
    case searchSeeds = "search_seeds"
    case seeds, validation, target, iterations
    case evalInterval = "eval_interval"
    case runArguments = "run_arguments"
  }

  /// The JSON stored in `tunes.settings`: keys sorted, so equal definitions
  /// are equal text.
  public func json() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try! encoder.encode(self), as: UTF8.self)
  }

  public init(json: String) throws {
    self = try JSONDecoder().decode(Self.self, from: Data(json.utf8))
  }
}

extension RunStore {
  // MARK: - Tunes

  /// Records tune `name` with `definition`, or checks that the tune already
  /// recorded under that name has the same one (a resumed tune).
  ///
  /// - Throws: a `StoreError` when `name` is taken by another definition.
  public func saveTune(name: String, definition: TuneDefinition, at date: Date) throws {
    try database.write {
      if let stored = try tuneDefinition(name: name) {
        guard stored == definition else {
          throw StoreError(
            "a tune named '\(name)' with other settings is in \(database.path); give another --name, or repeat its own command to resume it"
          )
        }
        return
      }
      try statement("INSERT INTO tunes (name, settings, created_at) VALUES (?, ?, ?)").execute([
        .text(name), .text(definition.json()), .text(Timestamp.string(from: date)),
      ])
    }
  }

  /// The definition of tune `name`, or nil when there is none.
  public func tuneDefinition(name: String) throws -> TuneDefinition? {
    var json: String?
    try statement("SELECT settings FROM tunes WHERE name = ?").forEachRow([.text(name)]) {
      json = $0.text(0)
    }
    return try json.map { try TuneDefinition(json: $0) }
  }

  /// Every tune's name, oldest first (for error messages).
  public func tuneNames() throws -> [String] {
    var names: [String] = []
    try statement("SELECT name FROM tunes ORDER BY created_at, name").forEachRow {
      names.append($0.text(0))
    }
    return names
  }

  // MARK: - Runs of a tune

  /// The newest run of exactly `settings`' configuration that ended completed
  /// or diverged (a diverged run is a result: it is not run again), if any.
  public func finishedRun(_ settings: RunSettings) throws -> StoredRun? {
    try runs(
      matching: RunFilter(sameAs: settings, statuses: [.completed, .diverged]), newestFirst: true,
      limit: 1
    ).first
  }

  /// The first evaluation iteration of run `seq` whose test accuracy is at
  /// least `target`; nil when none is.
  public func firstIteration(seq: Int64, reachingTestAccuracy target: Double) throws -> Int? {
    var iteration: Int?
    try statement("SELECT min(iter) FROM evals WHERE run_seq = ? AND test_acc >= ?").forEachRow(
      [.integer(seq), .real(target)]
    ) { iteration = $0.optionalInt64(0).map { Int($0) } }
    return iteration
  }
}
