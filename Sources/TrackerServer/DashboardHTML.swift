// DashboardHTML: the pages' frame around the report's own sections: the
// navigation, the filter form, the live progress box and the script that
// keeps them current. Every text from the database or the request goes
// through `HTML.escape`; the script reads its parameters from data-
// attributes and writes run data with textContent only.
import Foundation
import TrackerReports
import TrackerStore

/// One dashboard page: the frame, with `content` (markup) inside.
struct DashboardPage {
  var title: String
  var databasePath: String
  /// Where the script re-fetches `content` from when the runs change; nil
  /// for a page that isn't refreshed (one run's page).
  var fragment: String?
  var query: DashboardQuery?
  /// The form's target: "/" or "/runs".
  var formAction: String?
  var snapshot: Snapshot
  var running: [RunProgress]
  var content: String
  /// Seconds the script's status request may wait for a change.
  var wait: Int

  func html() -> String {
    var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
    out += "<title>\(HTML.escape(title))</title>\n"
    // Raw: HTML does not decode entities inside <style> and <script>, and
    // neither holds user data.
    out += "<style>\n\(HTMLReport.style)\n\(TuneHTMLReport.style)\n\(DashboardScript.style)\n"
    out += "</style>\n</head>\n"
    out += "<body data-generation=\"\(snapshot.generation)\""
    out += " data-content=\"\(HTML.escape(snapshot.content))\" data-wait=\"\(wait)\""
    if let fragment { out += " data-fragment=\"\(HTML.escape(fragment))\"" }
    out += ">\n<nav><a href=\"/\">comparison</a> <a href=\"/runs\">runs</a>"
    out += " <a href=\"/tunes\">tunes</a> <a href=\"/api\">api</a></nav>\n"
    out += "<h1>\(HTML.escape(title))</h1>\n"
    out += "<p class=\"meta\">Database \(HTML.escape(databasePath)), read-only."
    out += " The page follows the database while runs train.</p>\n"
    if let formAction, let query { out += form(formAction, query) }
    out += "<section id=\"live\"\(running.isEmpty ? " hidden=\"hidden\"" : "")>"
    out += Self.progress(running) + "</section>\n"
    out += "<div id=\"content\">\n\(content)</div>\n"
    out += "<script>\n\(DashboardScript.source)\n</script>\n</body>\n</html>\n"
    return out
  }

  /// The filters of `compare` as a GET form, filled with `query`.
  private func form(_ action: String, _ query: DashboardQuery) -> String {
    func field(_ name: String, _ value: String, _ hint: String) -> String {
      "<label>\(name) <input name=\"\(name)\" value=\"\(HTML.escape(value))\""
        + " placeholder=\"\(HTML.escape(hint))\"/></label>\n"
    }
    var out = "<form method=\"get\" action=\"\(action)\" class=\"filters\">\n"
    out += field("opt", query.optimizers.joined(separator: ","), "sgd,adam")
    out += field("where", query.values("where").first ?? "", "lr=0.1")
    out += field("tag", query.values("tag").first ?? "", "sweep=lr")
    out += field("status", query.values("status").first ?? "", "completed")
    out += "<button type=\"submit\">show</button> <a href=\"\(action)\">clear</a>\n</form>\n"
    return out
  }

  /// The running runs as progress bars, as the script also draws them.
  static func progress(_ running: [RunProgress]) -> String {
    guard !running.isEmpty else { return "" }
    var out = "<h2>Running (\(running.count))</h2>\n"
    for run in running {
      let id = HTML.escape(run.id)
      out += "<div class=\"run-progress\" data-id=\"\(id)\">"
      out += "<a href=\"/runs/\(id)\">\(HTML.escape(String(run.id.prefix(8))))</a> "
      out += "<span>\(HTML.escape(run.optimizer + (run.name.map { " " + $0 } ?? "")))</span> "
      out += "<progress max=\"\(max(run.iterations, 1))\" value=\"\(run.iteration)\"></progress> "
      out += "<span>\(run.iteration) / \(run.iterations)</span>"
      if let why = run.abandoned {
        out += " <span class=\"abandoned\">abandoned: \(HTML.escape(why))</span>"
      }
      out += "</div>\n"
    }
    return out
  }

  /// A message in place of content: nothing selected, bad input.
  static func message(_ text: String) -> String {
    "<p class=\"message\">\(HTML.escape(text))</p>\n"
  }
}

// MARK: - One run

enum RunPage {
  /// Settings, summary and tags (the text of `tracker show`) and the run's
  /// accuracy and loss charts, drawn by the same `CurveCharts.run` as `plot`.
  static func content(
    _ details: RunDetails, curves: [CurveMetric: [CurvePoint]]
  ) -> String {
    var out = "<h2>Run \(HTML.escape(details.run.id))</h2>\n"
    out +=
      "<pre class=\"details\">\(HTML.escape(RunDetailsReport(details: details).text()))</pre>\n"
    out += "<h2>Curves</h2>\n"
    for (index, metric) in [CurveMetric.testAccuracy, .loss].enumerated() {
      var chart = CurveCharts.run(
        details.run, metric: metric, logScale: metric == .loss, curves: curves)
      chart.id = "run-chart\(index + 1)"
      out += "<figure>\(chart.svg(standalone: false))</figure>\n"
    }
    return out
  }
}
