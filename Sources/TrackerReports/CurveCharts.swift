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

  /// Dash patterns that tell apart the groups of one optimizer (which share
  /// its colour): solid first.
  static let dashes = ["none", "8 4", "2 3", "10 3 2 3", "14 5", "4 7"]

  /// Palette slots of the five optimizers: SGD red and Adam blue as in the notebook.
  private static let optimizerSlot = [
    "sgd": 0, "adam": 1, "rmsprop": 2, "adagrad": 3, "momentum": 4,
  ]

  /// One style per group: the colour follows the optimizer (Adam is the same
  /// blue in every figure and table; other optimizers take the remaining
  /// slots in order of appearance), and the dash tells apart the groups of
  /// one optimizer, in their order.
  public static func styles(_ groups: [RunGroup]) -> [(color: String, dash: String)] {
    styles(optimizers: groups.map(\.optimizer))
  }

  /// The styles of lines whose optimizers are `optimizers`, in order.
  public static func styles(optimizers: [String]) -> [(color: String, dash: String)] {
    var others: [String] = []
    var seen: [String: Int] = [:]
    return optimizers.map { optimizer in
      let slot: Int
      if let known = optimizerSlot[optimizer] {
        slot = known
      } else {
        if !others.contains(optimizer) { others.append(optimizer) }
        slot = optimizerSlot.count + others.firstIndex(of: optimizer)!
      }
      let index = seen[optimizer, default: 0]
      seen[optimizer] = index + 1
      return (
        LineChart.palette[slot % LineChart.palette.count], dashes[index % dashes.count]
      )
    }
  }

  /// Whether each seed of a group gets its own thin line.
  public enum PerSeed: String, CaseIterable, Sendable {
    /// For groups of 2 to 3 runs, and groups whose final test accuracies
    /// fall apart (two runs more than `spreadGap` apart with no run between).
    case auto
    case always, never
  }

  /// Sorted final accuracies further apart than this (10 points) make a
  /// group bimodal: its mean line would run where no seed is.
  public static let spreadGap = 0.10

  /// Whether `group`'s seeds are drawn one by one under `mode`.
  public static func drawsSeeds(_ group: RunGroup, _ mode: PerSeed) -> Bool {
    guard group.samples.count > 1 else { return false }
    switch mode {
    case .always: return true
    case .never: return false
    case .auto:
      let finals = group.finalTestAccuracies.sorted()
      let split = zip(finals, finals.dropFirst()).contains { $1 - $0 > spreadGap }
      return group.samples.count <= 3 || split
    }
  }

  /// How group charts are drawn beyond their metric.
  public struct Options: Sendable {
    public var perSeed: PerSeed
    /// Moving average over this many points (1: none).
    public var smoothing: Int
    /// Each run's curve, by `seq`, for the groups `drawsSeeds` picks.
    public var seedCurves: [Int64: [CurvePoint]]

    public init(
      perSeed: PerSeed = .auto, smoothing: Int = 1, seedCurves: [Int64: [CurvePoint]] = [:]
    ) {
      self.perSeed = perSeed
      self.smoothing = smoothing
      self.seedCurves = seedCurves
    }
  }

  /// The trailing moving average of `values` over `window` points (fewer at
  /// the start).
  static func smooth(_ values: [Double], window: Int) -> [Double] {
    guard window > 1 else { return values }
    var out: [Double] = []
    var sum = 0.0
    var count = 0
    for (index, value) in values.enumerated() {
      sum += value
      count += 1
      if index >= window {
        sum -= values[index - window]
        count -= 1
      }
      out.append(sum / Double(count))
    }
    return out
  }

  /// `metric` of each group against iteration: the mean over the group's runs
  /// as a line and, for groups of two or more runs, their range as a band, or
  /// each seed as a thin line (`Options.perSeed`). Accuracies are drawn from
  /// 0 to 1 with a dotted line at chance (the runs' baseline); triangles on
  /// the x axis mark each group's median learning start. `what` names the
  /// runs in the subtitle ("completed runs"), which also says the settings
  /// every group shares, so labels hold only what differs.
  public static func groups(
    _ curves: [GroupCurve], metric: CurveMetric, logScale: Bool, what: String,
    options: Options = Options()
  ) -> LineChart {
    let groups = curves.map(\.group)
    let runCount = groups.map(\.samples.count).reduce(0, +)
    var seedLines: [LineChart.Series] = []
    var series: [LineChart.Series] = []
    var markers: [LineChart.Marker] = []
    let styles = styles(groups)
    let window = max(1, options.smoothing)
    func line(_ points: [(Int, Double)]) -> [LineChart.Point] {
      zip(points, smooth(points.map(\.1), window: window)).map {
        .init(x: Double($0.0), y: $1)
      }
    }
    for (index, curve) in curves.enumerated() {
      let (group, band) = (curve.group, curve.band)
      let style = styles[index]
      // Seeds whose curves the caller read; else the band.
      let seeds =
        drawsSeeds(group, options.perSeed)
        && group.samples.allSatisfy { options.seedCurves[$0.seq] != nil }
      if seeds {
        for run in group.samples {
          let points = (options.seedCurves[run.seq] ?? []).map { ($0.iteration, $0.value) }
          var thin = LineChart.Series(
            label: "\(group.label) seed \(run.seed)", color: style.color, points: line(points),
            dash: style.dash)
          (thin.lineWidth, thin.opacity, thin.inLegend) = (1, 0.55, false)
          seedLines.append(thin)
        }
      }
      let runs = group.samples.count == 1 ? "1 run" : "\(group.samples.count) runs"
      series.append(
        LineChart.Series(
          label: "\(group.label) (\(runs))", color: style.color,
          points: line(band.map { ($0.iteration, $0.mean) }),
          band: group.samples.count < 2 || seeds
            ? [] : band.map { .init(x: Double($0.iteration), low: $0.minimum, high: $0.maximum) },
          dash: style.dash))
      if let start = group.learningStartMedian {
        markers.append(.init(x: start, color: style.color))
      }
    }
    let anyBand = series.contains { !$0.band.isEmpty }
    let anySeeds = !seedLines.isEmpty
    var how = "mean over seeds" + (anyBand ? " (line) and min to max (band)" : "")
    if anySeeds { how += anyBand ? "; thin lines: each seed" : " (thick line), each seed (thin)" }
    if window > 1 { how += "; moving average over \(window) points" }
    if !markers.isEmpty { how += "; ▲ median learning start" }
    var chart = LineChart(
      title: title(metric),
      subtitle: how + ", \(runCount) \(what)." + settingsNote(groups).map { " " + $0 }.joined(),
      xLabel: "iteration", yLabel: axisLabel(metric, logScale: logScale),
      series: seedLines + series,
      yScale: logScale ? .logarithmic : .linear,
      yDomain: metric == .loss ? nil : 0...1)
    chart.markers = markers
    if metric != .loss, let chance = groups.flatMap(\.runs).compactMap(\.summary.baseline).max() {
      chart.baseline = (chance, "chance \(Format.percent(chance))%")
    }
    return chart
  }

  /// The settings said once rather than in every label: "All have k=v ...."
  /// and "Unless the label says otherwise: k=v ...."; with `--group-by`,
  /// which settings a group pools (`RunComparison.pooledNote`). Empty when none.
  public static func settingsNote(_ groups: [RunGroup]) -> [String] {
    let shared = RunComparison.sharedSettings(groups)
    let usual = RunComparison.usualSettings(groups)
    return (shared.isEmpty ? [] : ["All have " + shared.joined(separator: " ") + "."])
      + (usual.isEmpty
        ? [] : ["Unless the label says otherwise: " + usual.joined(separator: " ") + "."])
      + [RunComparison.pooledNote(groups)].compactMap { $0 }
  }

  /// Chosen runs overlaid: `metric` of each run as one line, coloured by
  /// optimizer and dashed apart within one, labelled by its short id, name
  /// and the settings that differ among the runs (those they share go in the
  /// subtitle). `curves` holds each run's curve by `seq`.
  public static func overlay(
    _ runs: [StoredRun], metric: CurveMetric, logScale: Bool, smoothing: Int,
    curves: [Int64: [CurvePoint]]
  ) -> LineChart {
    let styles = styles(optimizers: runs.map(\.optimizer))
    let differing = RunComparison.differing(runs)
    let window = max(1, smoothing)
    let series = runs.enumerated().map { index, run in
      let points = curves[run.seq] ?? []
      let label =
        ([run.shortID, run.name].compactMap { $0 } + [run.optimizer, "seed \(run.seed)"]
        + [RunComparison.settings(run, differing)].filter { !$0.isEmpty }).joined(separator: " ")
      return LineChart.Series(
        label: label, color: styles[index].color,
        points: zip(points, smooth(points.map(\.value), window: window)).map {
          .init(x: Double($0.iteration), y: $1)
        }, dash: styles[index].dash)
    }
    let shared = RunComparison.shared(runs)
    var chart = LineChart(
      title: title(metric),
      subtitle: Plural.count(runs.count, "run")
        + (window > 1 ? ", moving average over \(window) points" : "")
        + (shared.isEmpty ? "" : ". All have " + shared.joined(separator: " ")),
      xLabel: "iteration", yLabel: axisLabel(metric, logScale: logScale), series: series,
      yScale: logScale ? .logarithmic : .linear, yDomain: metric == .loss ? nil : 0...1)
    if metric != .loss, let chance = runs.compactMap(\.summary.baseline).max() {
      chart.baseline = (chance, "chance \(Format.percent(chance))%")
    }
    return chart
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
