// RunDetailsReport: `tracker show` output: a run's hyperparameters, summary,
// environment, and its test accuracy curve drawn as one line of block
// characters.
import Foundation
import TrackerStore

public struct RunDetailsReport {
  public let details: RunDetails

  public init(details: RunDetails) {
    self.details = details
  }

  /// The curve is drawn at most this many characters wide (fits 80 columns
  /// with its indent).
  public static let curveWidth = 72

  public func text() -> String {
    let run = details.run
    let summary = run.summary
    var lines: [String] = []
    func field(_ name: String, _ value: String) {
      lines.append(name.padding(toLength: 16, withPad: " ", startingAt: 0) + value)
    }
    // Name, error, tags, host and command are user text: control characters
    // in them are escaped, so they can't break lines or drive the terminal.
    field("run", run.id + (run.name.map { "  (\($0.escapingControlCharacters))" } ?? ""))
    field("status", run.status.rawValue + (details.divergedAt.map { " at iteration \($0)" } ?? ""))
    if let error = details.error { field("error", error.escapingControlCharacters) }
    field("optimizer", run.optimizer)
    field("seed", String(run.seed))
    let parameters = HyperParameter.grouping.compactMap { parameter in
      parameter.display(run[parameter]).map { "\(parameter.rawValue)=\($0)" }
    }
    field("hyperparameters", wrap(parameters, indent: 16))
    if !run.tags.isEmpty {
      field(
        "tags",
        run.tags.map { "\($0.key)=\($0.value)".escapingControlCharacters }.joined(separator: " "))
    }
    lines.append("")
    field("final test acc", percent(summary.finalTestAccuracy))
    let best = details.evaluations.max { $0.testAccuracy < $1.testAccuracy }
    field(
      "best test acc",
      percent(summary.bestTestAccuracy) + (best.map { " (iteration \($0.iteration))" } ?? ""))
    field("final loss", Format.loss(summary.finalLoss))
    field("learning start", learningStart(summary))
    field(
      "metrics",
      "\(details.lossCount) losses (\(details.nonFiniteLossCount) NaN/inf),"
        + " \(details.evaluations.count) evaluations")
    lines.append("")
    field(
      "started",
      Format.minute(run.startedAt) + " UTC"
        + (run.durationSeconds.map { ", ran \(Format.duration($0))" } ?? ""))
    field(
      "host", details.host.escapingControlCharacters + (details.pid.map { " (pid \($0))" } ?? ""))
    field("tracker", details.trackerVersion)
    field("dataset hash", details.datasetHash)
    field("command", details.command.escapingControlCharacters)
    if !details.evaluations.isEmpty {
      lines.append("")
      lines += curve()
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func percent(_ value: Double?) -> String {
    value.map { Format.percent($0) + "%" } ?? "-"
  }

  private func learningStart(_ summary: RunSummary) -> String {
    guard let baseline = summary.baseline, let margin = summary.margin else {
      return run.status == .running ? "- (running)" : "- (baseline unknown)"
    }
    let rule =
      "(test acc >= \(Format.percent(baseline + margin))%"
      + " = baseline \(Format.percent(baseline))% + \(Format.percent(margin))%)"
    guard let start = summary.learningStart else { return "never \(rule)" }
    return "iteration \(start) \(rule)"
  }

  private var run: StoredRun { details.run }

  /// Words joined by spaces, wrapped before 80 columns; continuation lines
  /// indented by `indent`.
  private func wrap(_ words: [String], indent: Int) -> String {
    var lines: [String] = [""]
    for word in words {
      if !lines[lines.count - 1].isEmpty,
        indent + lines[lines.count - 1].count + 1 + word.count > 80
      {
        lines.append("")
      }
      lines[lines.count - 1] += (lines[lines.count - 1].isEmpty ? "" : " ") + word
    }
    return lines.joined(separator: "\n" + String(repeating: " ", count: indent))
  }

  // MARK: - Curve

  /// The test accuracy curve: one character per evaluation (or per bucket of
  /// consecutive evaluations, their mean, when there are more than
  /// `curveWidth`), with a caret under the learning start.
  func curve() -> [String] {
    let evaluations = details.evaluations
    let count = min(evaluations.count, Self.curveWidth)
    var line = ""
    var marker = ""
    let start = run.summary.learningStart
    for index in 0..<count {
      // Character `index` covers evaluations [index·n/count, (index+1)·n/count).
      let bucket =
        evaluations[index * evaluations.count / count..<(index + 1) * evaluations.count / count]
      line.append(Sparkline.level(bucket.map(\.testAccuracy).reduce(0, +) / Double(bucket.count)))
      if let start, marker.isEmpty, bucket.contains(where: { $0.iteration == start }) {
        marker = String(repeating: " ", count: index) + "^ learning starts (iteration \(start))"
      }
    }
    let first = evaluations.first!.iteration
    let last = evaluations.last!.iteration
    let scale =
      count == evaluations.count
      ? "one character per evaluation" : "\(evaluations.count) evaluations in \(count) characters"
    var lines = [
      "test accuracy, iterations \(first)-\(last) (\(scale); ▁ 0% to █ 100%):",
      "  " + line,
    ]
    if !marker.isEmpty { lines.append("  " + marker) }
    return lines
  }

  // MARK: - JSON

  public func json() -> String {
    var members = ListReport.members(run)
    members += [
      (
        "environment",
        .object([
          ("host", .string(details.host)), ("pid", details.pid.map { .int($0) } ?? .null),
          ("tracker_version", .string(details.trackerVersion)),
          ("dataset_hash", .string(details.datasetHash)), ("command", .string(details.command)),
        ])
      ),
      ("error", .string(details.error)),
      ("diverged_at", details.divergedAt.map { .int($0) } ?? .null),
      ("loss_count", .int(Int64(details.lossCount))),
      ("nonfinite_loss_count", .int(Int64(details.nonFiniteLossCount))),
      (
        "evaluations",
        .array(
          details.evaluations.map {
            .object([
              ("iter", .int(Int64($0.iteration))), ("train_acc", .number($0.trainAccuracy)),
              ("test_acc", .number($0.testAccuracy)),
            ])
          })
      ),
    ]
    return JSONValue.object(members).rendered()
  }
}
