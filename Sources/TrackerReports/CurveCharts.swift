// CurveCharts: the charts `plot` and `report` draw, from curves read by the
// caller: a metric per group of runs (mean line, min-max band), and one run's
// train and test accuracy as the reference notebook drew it ("accuracy: Adam").
import Foundation
import TrackerStore

public enum CurveCharts {
  /// Optimizer names as the notebook's titles write them.
  static func displayName(_ optimizer: String) -> String {
    switch optimizer {
    case "sgd": "SGD"
    case "momentum": "Momentum"
    case "adagrad": "AdaGrad"
    case "rmsprop": "RMSProp"
    case "adam": "Adam"
    default: optimizer
    }
  }

  public static func title(_ metric: CurveMetric) -> String {
    switch metric {
    case .loss: "loss"
    case .trainAccuracy: "train accuracy"
    case .testAccuracy: "test accuracy"
    }
  }

  static func axisLabel(_ metric: CurveMetric, logScale: Bool) -> String {
    switch metric {
    case .loss: logScale ? "loss (log scale)" : "loss"
    case .trainAccuracy: "train accuracy (mini-batch)"
    case .testAccuracy: "test accuracy"
    }
  }

  /// The colour of group `index`; past the palette, colours repeat dashed.
  static func style(_ index: Int) -> (color: String, dashed: Bool) {
    (LineChart.palette[index % LineChart.palette.count], index >= LineChart.palette.count)
  }

  /// Palette slots of the five optimizers: SGD red and Adam blue as in the notebook.
  private static let optimizerSlot = [
    "sgd": 0, "adam": 1, "rmsprop": 2, "adagrad": 3, "momentum": 4,
  ]

  /// One style per group. When each group is a different known optimizer, the colour
  /// follows the optimizer, so Adam is the same blue in every plot and report;
  /// otherwise (several settings of one optimizer) it follows the group's position.
  static func styles(_ groups: [RunGroup]) -> [(color: String, dashed: Bool)] {
    let slots = groups.compactMap { optimizerSlot[$0.optimizer] }
    if slots.count == groups.count && Set(slots).count == slots.count {
      return slots.map(style)
    }
    return groups.indices.map(style)
  }

  /// `metric` of each group against iteration: the mean over the group's runs
  /// as a line and, for groups of two or more runs, their range as a band.
  /// Accuracies are drawn from 0 to 1, as in the notebook. `what` names the
  /// runs in the subtitle ("completed runs").
  public static func groups(
    _ curves: [GroupCurve], metric: CurveMetric, logScale: Bool, what: String
  ) -> LineChart {
    let groups = curves.map(\.group)
    let runCount = groups.map(\.samples.count).reduce(0, +)
    var series: [LineChart.Series] = []
    let styles = styles(groups)
    for (index, curve) in curves.enumerated() {
      let (group, band) = (curve.group, curve.band)
      let style = styles[index]
      let runs = group.samples.count == 1 ? "1 run" : "\(group.samples.count) runs"
      series.append(
        LineChart.Series(
          label: "\(group.label) (\(runs))", color: style.color,
          points: band.map { .init(x: Double($0.iteration), y: $0.mean) },
          band: group.samples.count < 2
            ? [] : band.map { .init(x: Double($0.iteration), low: $0.minimum, high: $0.maximum) },
          dashed: style.dashed))
    }
    let anyBand = groups.contains { $0.samples.count > 1 }
    return LineChart(
      title: title(metric),
      subtitle: "mean over seeds" + (anyBand ? " (line) and min to max (band)" : "")
        + ", \(runCount) \(what)",
      xLabel: "iteration", yLabel: axisLabel(metric, logScale: logScale), series: series,
      yScale: logScale ? .logarithmic : .linear,
      yDomain: metric == .loss ? nil : 0...1)
  }

  /// The metrics `run(_:metric:logScale:curves:)` draws for `metric`: the
  /// loss alone, or both accuracies.
  public static func runMetrics(_ metric: CurveMetric) -> [CurveMetric] {
    metric == .loss ? [.loss] : [.trainAccuracy, .testAccuracy]
  }

  /// One run. Accuracies: its train and test accuracy, as the notebook's
  /// figure ("accuracy: Adam", legend "training set" and "test set", y from
  /// 0 to 1). Loss: its loss of every iteration. `curves` holds the run's
  /// curve of each of `runMetrics(metric)`; a missing one draws as empty.
  public static func run(
    _ run: StoredRun, metric: CurveMetric, logScale: Bool, curves: [CurveMetric: [CurvePoint]]
  ) -> LineChart {
    let name = displayName(run.optimizer)
    let accuracy = run.summary.finalTestAccuracy.map { ", final test acc \(Format.percent($0))%" }
    let subtitle =
      "run \(run.shortID)" + (run.name.map { " (\($0))" } ?? "") + ", seed \(run.seed)"
      + ", lr=\(HyperParameter.lr.display(run[.lr]) ?? "-")" + (accuracy ?? "")
      + (run.status == .completed ? "" : ", \(run.status.rawValue)")
    func points(_ metric: CurveMetric) -> [LineChart.Point] {
      (curves[metric] ?? []).map { .init(x: Double($0.iteration), y: $0.value) }
    }
    if metric == .loss {
      return LineChart(
        title: "loss: \(name)", subtitle: subtitle, xLabel: "iter",
        yLabel: axisLabel(.loss, logScale: logScale),
        series: [.init(label: "loss", color: LineChart.palette[0], points: points(.loss))],
        yScale: logScale ? .logarithmic : .linear)
    }
    return LineChart(
      title: "accuracy: \(name)", subtitle: subtitle, xLabel: "iter", yLabel: "accuracy",
      series: [
        .init(label: "training set", color: LineChart.palette[0], points: points(.trainAccuracy)),
        .init(label: "test set", color: LineChart.palette[1], points: points(.testAccuracy)),
      ],
      yDomain: 0...1)
  }
}

/// A group of runs and its band of one metric (mean, minimum and maximum
/// over its runs at each iteration): what a group chart draws per colour.
public struct GroupCurve {
  public var group: RunGroup
  public var band: [BandPoint]

  public init(group: RunGroup, band: [BandPoint]) {
    self.group = group
    self.band = band
  }
}
