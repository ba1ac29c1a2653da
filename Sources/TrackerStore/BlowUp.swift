// BlowUp: a run whose loss ends far above where it started. The engine clips
// the loss at ln(1e7) ≈ 16.1, so a learning rate that blows the network up
// (sgd --lr 1e6) finishes with a finite loss of ~14 and chance accuracy; it must
// not be averaged in as if it had learned. Such a run is stored as `diverged`,
// like a run whose loss became NaN, with `diverged_at` NULL and `error` saying
// why. Migration 0006 applies the same definition to runs recorded before it.
import Foundation

public enum BlowUp {
  /// The tail is this share of the iterations (at least one).
  public static let tailDivisor = 10
  /// The tail's mean loss must exceed the first loss by this factor.
  public static let factor = 2.0

  /// Why a run with these losses blew up, or nil when it did not.
  ///
  /// `losses` are the run's loss rows by iteration, 1 ... n (nil where the
  /// loss was NaN or infinite, as stored). With k = max(1, n / 10), the run
  /// blew up when the mean of the non-nil losses of iterations n - k + 1 ... n
  /// is more than `factor` times the loss of iteration 1. No first loss or no
  /// finite tail loss: no verdict (nil); a NaN loss already makes a run
  /// diverged.
  public static func check(_ losses: [(iteration: Int, loss: Double?)]) -> String? {
    guard let n = losses.map(\.iteration).max(),
      let first = losses.first(where: { $0.iteration == 1 })?.loss
    else { return nil }
    let k = max(1, n / tailDivisor)
    let tail = losses.filter { $0.iteration > n - k }.compactMap(\.loss)
    guard !tail.isEmpty else { return nil }
    let mean = tail.reduce(0, +) / Double(tail.count)
    guard mean > factor * first else { return nil }
    return "blew up: the mean loss of the last \(k) iterations (\(format(mean)))"
      + " is more than twice the first iteration's (\(format(first)))"
  }

  /// As SQLite's printf('%.4g') writes it, so the message reads the same
  /// whether this or migration 0006 wrote it.
  static func format(_ value: Double) -> String {
    String(format: "%.4g", value)
  }
}

// MARK: - Storing

extension RunStore {
  static let selectLosses = "SELECT iter, loss FROM losses WHERE run_seq = ? ORDER BY iter"
  static let markBlownUp = "UPDATE runs SET status = 'diverged', error = ? WHERE seq = ?"

  /// Marks run `seq` diverged if its stored losses blew up (`BlowUp.check`)
  /// and returns the status it now has: `status`, or `.diverged`. Only a
  /// completed run is checked: one stopped early has no end to judge. Call
  /// inside a write transaction, after its losses are stored.
  func flagBlowUp(seq: Int64, status: RunStatus) throws -> RunStatus {
    guard status == .completed else { return status }
    var losses: [(iteration: Int, loss: Double?)] = []
    try statement(Self.selectLosses).forEachRow([.integer(seq)]) {
      losses.append((Int($0.int64(0)), $0.optionalDouble(1)))
    }
    guard let reason = BlowUp.check(losses) else { return status }
    try statement(Self.markBlownUp).execute([.text(reason), .integer(seq)])
    return .diverged
  }
}
