// Wires one training to its recorder: logs every event, stops on Ctrl-C/SIGTERM or a
// diverged loss, and always leaves the run with a final status.
import Foundation
import TrackerEngine
import TrackerStore

#if canImport(Glibc)
  import Glibc
#endif

struct RunOutcome {
  var status: RunStatus
  var iterationsRun: Int
  var finalTestAccuracy: Double?
  var seconds: Double
  var divergedAt: Int?
  /// The signal that stopped an interrupted run (SIGINT or SIGTERM).
  var stopSignal: Int32?

  /// Seconds inside the engine (`TrainingSummary.trainingSeconds`) and inside the
  /// recorder (metrics and the run's end), for `tracker run --timing`.
  var engineSeconds = 0.0
  var recordingSeconds = 0.0

  /// The conventional exit status of a process stopped by `stopSignal`:
  /// 128 + the signal, so 130 for Ctrl-C and 143 for SIGTERM.
  var signalExitCode: Int32 { 128 + (stopSignal ?? SIGINT) }
}

struct RunSession {
  let recorder: RunRecorder
  let console: Console

  /// Trains, recording as it goes. Returns the outcome for interrupted and diverged runs
  /// too; rethrows (after marking the run failed) when training or recording fails.
  func train(_ config: TrainingConfig, on data: Dataset) throws -> RunOutcome {
    // A second Ctrl-C ends the process at once.
    StopSignals.catching(Self.stopSignals, secondEndsProcess: true)
    defer { StopSignals.release(Self.stopSignals) }
    defer { console.finish() }  // erase the live progress line before anything else prints
    let start = Date()
    var divergedAt: Int?
    var lastTest: Double?
    let clock = ContinuousClock()
    var recording = Duration.zero
    func recorded<T>(_ body: () throws -> T) rethrows -> T {
      let before = clock.now
      defer { recording += clock.now - before }
      return try body()
    }
    do {
      let summary = try TrackerEngine.train(config, on: data) { event in
        switch event {
        case .iteration(let i, let loss):
          try recorded { try recorder.logLoss(iteration: i, loss: loss) }
          console.iteration(i, loss: loss)
          if !loss.isFinite {
            divergedAt = i
            return .stop
          }
        case .evaluation(let i, let trainAcc, let testAcc):
          try recorded {
            try recorder.logEvaluation(iteration: i, trainAccuracy: trainAcc, testAccuracy: testAcc)
          }
          lastTest = testAcc
          console.evaluation(i, train: trainAcc, test: testAcc)
        case .validation(let i, let accuracy):
          try recorded { try recorder.logValidation(iteration: i, accuracy: accuracy) }
        }
        return StopSignals.received > 0 ? .stop : .proceed
      }
      var status: RunStatus
      var reason: String?
      if let divergedAt {
        status = .diverged
        reason = "loss became NaN or infinite at iteration \(divergedAt); try a smaller --lr"
      } else if summary.iterationsRun < config.iterations {
        status = .interrupted
        reason =
          "stopped by signal \(StopSignals.lastSignal ?? 0) at iteration \(summary.iterationsRun)"
      } else {
        status = .completed
      }
      // A completed run whose loss blew up is recorded diverged (BlowUp).
      status = try recorded {
        try recorder.finish(status: status, endedAt: Date(), error: reason, divergedAt: divergedAt)
      }
      return RunOutcome(
        status: status, iterationsRun: summary.iterationsRun,
        finalTestAccuracy: summary.finalTestAccuracy ?? lastTest,
        seconds: Date().timeIntervalSince(start), divergedAt: divergedAt,
        stopSignal: status == .interrupted ? StopSignals.lastSignal : nil,
        engineSeconds: summary.trainingSeconds, recordingSeconds: recording.seconds)
    } catch {
      _ = try? recorder.finish(status: .failed, endedAt: Date(), error: String(describing: error))
      throw error
    }
  }

  /// What stops a run: Ctrl-C and SIGTERM (the default of `kill`).
  static let stopSignals = [SIGINT, SIGTERM]
}

extension Duration {
  var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
