// RunSummary: what `compare` needs of one finished run (final and best test
// accuracy, final loss, when learning started), computed from its metrics when
// it finishes and stored in its `runs` row (migration 0002).
import Foundation

/// When a run started learning: the first evaluation from which the test
/// accuracy stays at or above `baseline + margin` for the rest of the run.
public enum LearningStart {
  /// The margin above the baseline used when a run finishes (`--margin`).
  public static let defaultMargin = 0.05

  /// The first `iteration` in `evaluations` (sorted by iteration) from which
  /// every test accuracy is at least `threshold`; nil when the last one is
  /// below it (or there are none): the run never started.
  ///
  /// Equivalently, the evaluation right after the last one below the
  /// threshold, which is how migration 0002 computes it in SQL.
  public static func iteration(
    _ evaluations: [(iteration: Int, testAccuracy: Double)], threshold: Double
  ) -> Int? {
    var start: Int?
    for evaluation in evaluations {
      if evaluation.testAccuracy < threshold {
        start = nil
      } else if start == nil {
        start = evaluation.iteration
      }
    }
    return start
  }

  /// The share of the most frequent label in `testLabels`: the test accuracy
  /// of always answering that class (0.1135 on MNIST). nil for no labels.
  public static func baseline<Label: BinaryInteger>(testLabels: [Label]) -> Double? {
    guard !testLabels.isEmpty else { return nil }
    var counts: [Label: Int] = [:]
    for label in testLabels { counts[label, default: 0] += 1 }
    return Double(counts.values.max() ?? 0) / Double(testLabels.count)
  }
}

/// The stored summary of one run. Every field is nil for a run that is still
/// running (no summary yet) and where the run has no such value (no
/// evaluations, a NaN loss, no learning start).
public struct RunSummary: Sendable, Equatable {
  /// See `NewRun.baseline`.
  public var baseline: Double?
  /// The margin `learningStart` was computed with.
  public var margin: Double?
  public var learningStart: Int?
  public var finalTestAccuracy: Double?
  public var bestTestAccuracy: Double?
  public var finalLoss: Double?
  /// The validation accuracy of the last evaluation (`runs.final_val_acc`); nil
  /// for runs without a validation set.
  public var finalValidationAccuracy: Double?

  public init(
    baseline: Double? = nil, margin: Double? = nil, learningStart: Int? = nil,
    finalTestAccuracy: Double? = nil, bestTestAccuracy: Double? = nil, finalLoss: Double? = nil,
    finalValidationAccuracy: Double? = nil
  ) {
    self.baseline = baseline
    self.margin = margin
    self.learningStart = learningStart
    self.finalTestAccuracy = finalTestAccuracy
    self.bestTestAccuracy = bestTestAccuracy
    self.finalLoss = finalLoss
    self.finalValidationAccuracy = finalValidationAccuracy
  }

  /// The summary of a run with these evaluations (sorted by iteration) and
  /// this loss at its last iteration.
  public static func compute(
    evaluations: [(iteration: Int, testAccuracy: Double)], lastLoss: Double?, baseline: Double?,
    margin: Double = LearningStart.defaultMargin
  ) -> RunSummary {
    RunSummary(
      baseline: baseline, margin: margin,
      learningStart: baseline.flatMap {
        LearningStart.iteration(evaluations, threshold: $0 + margin)
      },
      finalTestAccuracy: evaluations.last?.testAccuracy,
      bestTestAccuracy: evaluations.map(\.testAccuracy).max(),
      finalLoss: lastLoss)
  }
}

// MARK: - Storing

extension RunStore {
  static let selectEvaluations = "SELECT iter, test_acc FROM evals WHERE run_seq = ? ORDER BY iter"
  static let selectLastLoss =
    "SELECT loss FROM losses WHERE run_seq = ? ORDER BY iter DESC LIMIT 1"
  static let selectBaseline = "SELECT baseline FROM runs WHERE seq = ?"
  static let updateFinalValidation = """
    UPDATE runs SET final_val_acc =
      (SELECT val_acc FROM evals WHERE run_seq = ?1 ORDER BY iter DESC LIMIT 1)
    WHERE seq = ?1
    """
  static let updateSummary = """
    UPDATE runs SET baseline = ?, learning_margin = ?, learning_start = ?, final_test_acc = ?,
      best_test_acc = ?, final_loss = ?
    WHERE seq = ?
    """

  /// The test accuracy of each evaluation of run `seq`, by iteration.
  func testAccuracies(seq: Int64) throws -> [(iteration: Int, testAccuracy: Double)] {
    var evaluations: [(iteration: Int, testAccuracy: Double)] = []
    try statement(Self.selectEvaluations).forEachRow([.integer(seq)]) {
      evaluations.append((Int($0.int64(0)), $0.double(1)))
    }
    return evaluations
  }

  /// Computes run `seq`'s summary from its stored metrics and stores it. Called
  /// by `RunRecorder.finish` inside its transaction, so a finished run always
  /// has its summary; call it inside a write transaction.
  func storeSummary(seq: Int64) throws {
    var baseline: Double?
    try statement(Self.selectBaseline).forEachRow([.integer(seq)]) {
      baseline = $0.optionalDouble(0)
    }
    var lastLoss: Double?
    try statement(Self.selectLastLoss).forEachRow([.integer(seq)]) {
      lastLoss = $0.optionalDouble(0)
    }
    let summary = RunSummary.compute(
      evaluations: try testAccuracies(seq: seq), lastLoss: lastLoss, baseline: baseline)
    try statement(Self.updateSummary).execute([
      .nullable(summary.baseline), .nullable(summary.margin),
      .nullable(summary.learningStart.map(Int64.init)), .nullable(summary.finalTestAccuracy),
      .nullable(summary.bestTestAccuracy), .nullable(summary.finalLoss), .integer(seq),
    ])
    try statement(Self.updateFinalValidation).execute([.integer(seq)])
  }

  /// Recomputes `learningStart` with `margin` for the runs whose summary used
  /// another margin, from their stored evaluations (`compare --margin`). Runs
  /// without a baseline keep a nil learning start.
  public func recomputeLearningStart(_ runs: inout [StoredRun], margin: Double) throws {
    try database.read {
      for index in runs.indices where runs[index].summary.margin != margin {
        let baseline = runs[index].summary.baseline
        runs[index].summary.margin = margin
        runs[index].summary.learningStart =
          try baseline.flatMap {
            LearningStart.iteration(
              try testAccuracies(seq: runs[index].seq), threshold: $0 + margin)
          }
      }
    }
  }
}
