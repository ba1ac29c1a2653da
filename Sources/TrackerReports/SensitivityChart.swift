// SensitivityChart: a tune's learning-rate sensitivity plot, as in DeepOBS and
// "Descending through a Crowded Valley": x the learning rate on a log axis, y the
// mean final validation accuracy over the search seeds, one line per optimizer,
// its selected rate marked with a large dot. Rates that can't be selected (a run
// diverged, blew up or is missing) leave a gap in the line.
import Foundation
import TrackerStore

public enum SensitivityChart {
  public static func chart(name: String, definition: TuneDefinition, results: [TuneAnalysis.Result])
    -> LineChart
  {
    // Each optimizer keeps its colour from the other charts (SGD red, Adam blue).
    let order = ["sgd", "adam", "rmsprop", "adagrad", "momentum"]
    let sorted = results.sorted {
      (order.firstIndex(of: $0.optimizer) ?? order.count, $0.optimizer)
        < (order.firstIndex(of: $1.optimizer) ?? order.count, $1.optimizer)
    }
    let styles = CurveCharts.styles(optimizers: sorted.map(\.optimizer))
    let series = zip(sorted, styles).map { result, style -> LineChart.Series in
      let search = result.search
      let points = search.points.compactMap { point in
        point.score.map { LineChart.Point(x: point.lr, y: $0) }
      }
      let selected = search.selected.flatMap { index in
        search.points[index].score.map { LineChart.Point(x: search.points[index].lr, y: $0) }
      }
      let lr = search.selectedLR.map { " (lr \(TuneReport.lr($0)))" } ?? ""
      return LineChart.Series(
        label: CurveCharts.displayName(result.optimizer) + lr, color: style.color,
        points: points, dash: style.dash, markers: selected.map { [$0] } ?? [])
    }
    let seeds = TuneReport.seeds(definition.searchSeeds)
    var chart = LineChart(
      title: "learning-rate sensitivity: \(name)",
      subtitle:
        "mean final validation accuracy over search seeds \(seeds) (\(definition.validation) held-out training images); dot: selected rate",
      xLabel: "learning rate (log scale)", yLabel: "final validation accuracy", series: series,
      yDomain: 0...1)
    chart.xScale = Scale.Kind.logarithmic
    chart.id = "sensitivity"
    return chart
  }
}
