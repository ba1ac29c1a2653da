// RunDuplicates: runs of one configuration and seed. Training is bit-identical
// for the same settings and seed, so a second such run is a check of the first
// (`tracker run` says whether it came out identical) and never a second sample
// (RunGroup counts one run per seed). Also what `tracker verify` reads back.
import Foundation

extension RunStore {
  /// The earliest completed run, other than run `id`, of the same
  /// configuration (`config_key`) and seed: the one compare counts.
  public func earlierDuplicate(of id: String) throws -> StoredRun? {
    let sql = """
      SELECT \(Self.runColumns) FROM runs AS r JOIN runs AS me ON me.id = ?1
      WHERE r.config_key = me.config_key AND r.seed = me.seed AND r.status = 'completed'
        AND r.id <> ?1
      ORDER BY r.seq LIMIT 1
      """
    var found: StoredRun?
    try database.read {
      found = try runs(sql: sql, [.text(id)]).first
    }
    return found
  }

  /// The first iteration at which the stored metrics of `a` and `b` differ (a
  /// loss, an accuracy, or a row only one of them has); nil when they are
  /// identical. Values compare exactly, as stored (NULL equals NULL).
  public func firstDifference(_ a: StoredRun, _ b: StoredRun) throws -> Int? {
    let sql = """
      SELECT min(iter) FROM (
        SELECT x.iter FROM losses AS x LEFT JOIN losses AS y ON y.run_seq = ?2 AND y.iter = x.iter
        WHERE x.run_seq = ?1 AND (y.iter IS NULL OR x.loss IS NOT y.loss)
        UNION ALL
        SELECT y.iter FROM losses AS y LEFT JOIN losses AS x ON x.run_seq = ?1 AND x.iter = y.iter
        WHERE y.run_seq = ?2 AND x.iter IS NULL
        UNION ALL
        SELECT x.iter FROM evals AS x LEFT JOIN evals AS y ON y.run_seq = ?2 AND y.iter = x.iter
        WHERE x.run_seq = ?1
          AND (y.iter IS NULL OR x.train_acc IS NOT y.train_acc OR x.test_acc IS NOT y.test_acc)
        UNION ALL
        SELECT y.iter FROM evals AS y LEFT JOIN evals AS x ON x.run_seq = ?1 AND x.iter = y.iter
        WHERE y.run_seq = ?2 AND x.iter IS NULL)
      """
    var iteration: Int?
    try statement(sql).forEachRow([.integer(a.seq), .integer(b.seq)]) {
      iteration = $0.optionalInt64(0).map { Int($0) }
    }
    return iteration
  }

  /// Every stored loss of `run` by iteration (nil where it was NaN/inf).
  public func losses(of run: StoredRun) throws -> [(iteration: Int, loss: Double?)] {
    var losses: [(iteration: Int, loss: Double?)] = []
    try statement(Self.selectLosses).forEachRow([.integer(run.seq)]) {
      losses.append((Int($0.int64(0)), $0.optionalDouble(1)))
    }
    return losses
  }
}

extension RunSettings {
  /// The settings `run` was trained with, as stored.
  public init(_ run: StoredRun) {
    func real(_ parameter: HyperParameter) -> Double? {
      switch run[parameter] {
      case .real(let x): x
      case .integer(let x): Double(x)
      default: nil
      }
    }
    func int(_ parameter: HyperParameter) -> Int {
      if case .integer(let x) = run[parameter] { return Int(x) }
      return 0
    }
    func text(_ parameter: HyperParameter) -> String {
      if case .text(let x) = run[parameter] { return x }
      return ""
    }
    self.init(
      optimizer: run.optimizer, seed: run.seed, lr: real(.lr) ?? 0, iters: int(.iters),
      batchSize: int(.batchSize), evalInterval: int(.evalInterval), momentum: real(.momentum),
      adagradTheta: real(.adagradTheta), decayRate: real(.decayRate), beta1: real(.beta1),
      beta2: real(.beta2), hidden: text(.hidden), activation: text(.activation),
      weightInit: text(.weightInit), batchnorm: int(.batchnorm) != 0, dataset: text(.dataset),
      datasetHash: run.datasetHash, validation: int(.validation))
  }
}
