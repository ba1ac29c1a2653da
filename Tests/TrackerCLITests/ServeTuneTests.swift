// `tracker serve` and the tunes: a small real tune recorded on the synthetic
// data, then /tunes, /tune/NAME and /api/tune/NAME from the real server on a
// free loopback port: status codes, content types, the same markup as `tracker
// report --tune`, the same JSON as `tracker tune --report`, escaping, unknown
// and hostile names, and the page following the tune while its runs run.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

final class ServeTuneTests: ProcessTestCase {
  let hostile = "<script>alert(1)</script>"

  /// 2 optimizers x 2 rates x 2 search seeds, then 2 confirm seeds each: 12 runs.
  var tuneArguments: [String] {
    [
      "tune", "--db", db, "--data-dir", dataDir.path, "--opt", "sgd,adam", "--lr", "0.01..1",
      "--points", "2", "--seeds", "1-2", "--iters", "20", "--batch-size", "20",
      "--eval-interval", "10", "--validation", "100", "--jobs", "2", "--name", "t1",
    ]
  }

  /// The markup inside the page's `<div id="content">`.
  func content(of page: String) -> String? {
    guard let start = page.range(of: "<div id=\"content\">\n"),
      let end = page.range(of: "</div>\n<script>", options: .backwards)
    else { return nil }
    return String(page[start.upperBound..<end.lowerBound])
  }

  func testTunePagesShowTheReportsOwnMarkupAndJSON() throws {
    let tune = try tracker(tuneArguments)
    XCTAssertEqual(tune.status, 0, tune.stderr)
    // The same tune under a name with markup in it (names may hold no spaces, but this).
    do {
      let store = try RunStore.open(path: db)
      try store.saveTune(
        name: hostile, definition: try XCTUnwrap(store.tuneDefinition(name: "t1")), at: Date())
    }
    let before = try Data(contentsOf: URL(fileURLWithPath: db))
    let server = try ServeProcess.start(db: db, folder: folder)

    let list = try httpGet(server.url + "/tunes")
    XCTAssertEqual(list.status, 200)
    XCTAssertEqual(list.contentType, "text/html; charset=utf-8")
    XCTAssertTrue(list.body.contains("<a href=\"/tune/t1\">t1</a>"), list.body)
    XCTAssertTrue(list.body.contains("sgd, adam"), list.body)
    XCTAssertTrue(list.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;</a>"), list.body)
    XCTAssertTrue(list.body.contains("href=\"/tune/%3Cscript%3Ealert%281%29%3C%2Fscript%3E\""))
    XCTAssertFalse(list.body.contains(hostile), "a tune name's markup is escaped")
    XCTAssertTrue(try httpGet(server.url + "/").body.contains("<a href=\"/tunes\">tunes</a>"))

    // /tune/t1: the section `tracker report --tune t1` writes, live.
    let page = try httpGet(server.url + "/tune/t1")
    XCTAssertEqual(page.status, 200)
    XCTAssertEqual(page.contentType, "text/html; charset=utf-8")
    XCTAssertTrue(page.body.contains("data-fragment=\"/fragment/tune/t1\""), "live")
    let section = try XCTUnwrap(content(of: page.body))
    for id in ["id=\"sensitivity-plot-area\"", "id=\"tuned-plot-area\"", "Holm", "VALIDATION"] {
      XCTAssertTrue(section.contains(id), id)
    }
    let report = try tracker(["report", "--tune", "t1", "-o", "-", "--db", db])
    XCTAssertEqual(report.status, 0, report.stderr)
    XCTAssertTrue(report.stdout.contains(section), "the same renderer as report --tune")
    let fragment = try httpGet(server.url + "/fragment/tune/t1")
    XCTAssertEqual(fragment.body, section)
    XCTAssertNotNil(fragment.headers["x-tracker-content"])

    // /api/tune/t1: byte for byte what the command prints.
    let api = try httpGet(server.url + "/api/tune/t1")
    XCTAssertEqual(api.status, 200)
    XCTAssertEqual(api.contentType, "application/json; charset=utf-8")
    let cli = try tracker(["tune", "--db", db, "--report", "t1", "--format", "json"])
    XCTAssertEqual(cli.status, 0, cli.stderr)
    XCTAssertEqual(api.body, cli.stdout)

    // The tune named with markup: served, escaped.
    let named = try httpGet(server.url + "/tune/%3Cscript%3Ealert%281%29%3C%2Fscript%3E")
    XCTAssertEqual(named.status, 200)
    XCTAssertTrue(named.body.contains("<title>tracker: tune &lt;script&gt;"), named.body)
    XCTAssertFalse(named.body.contains(hostile))

    // Unknown, traversing, scripted, injected: a 404 with one escaped line.
    for (path, shown) in [
      ("nope", "no tune named &apos;nope&apos;"),
      ("..%2F..%2Fetc%2Fpasswd", "no tune named &apos;../../etc/passwd&apos;"),
      ("%3Cscript%3Ealert(2)%3C%2Fscript%3E", "no tune named &apos;&lt;script&gt;alert(2)"),
      ("x'OR'1'='1", "no tune named &apos;x&apos;OR&apos;1&apos;=&apos;1&apos;"),
    ] {
      let unknown = try httpGet(server.url + "/tune/" + path)
      XCTAssertEqual(unknown.status, 404, path)
      XCTAssertEqual(unknown.contentType, "text/html; charset=utf-8")
      let message = try XCTUnwrap(content(of: unknown.body))
      XCTAssertTrue(message.hasPrefix("<p class=\"message\">" + shown), message)
      XCTAssertEqual(message.split(separator: "\n").count, 1, message)
      XCTAssertFalse(unknown.body.contains("<script>alert(2)"))
      XCTAssertFalse(unknown.body.contains("root:"))
      let json = try httpGet(server.url + "/api/tune/" + path)
      XCTAssertEqual(json.status, 404, path)
      XCTAssertEqual(json.contentType, "application/json; charset=utf-8")
      let error = try JSONSerialization.jsonObject(with: Data(json.body.utf8)) as? [String: String]
      XCTAssertTrue(error?["error"]?.hasPrefix("no tune named '") == true, json.body)
    }
    // Not a name at all, or filters a tune page doesn't take: 400.
    XCTAssertEqual(try httpGet(server.url + "/tune/a%0Ab").status, 400)
    XCTAssertEqual(try httpGet(server.url + "/api/tune/a%20b").status, 400)
    XCTAssertEqual(try httpGet(server.url + "/tune/t1?opt=sgd").status, 400)
    XCTAssertTrue([400, 404].contains(try httpGet(server.url + "/tune/").status))

    XCTAssertEqual(server.stop(), 0, "Ctrl-C stops it cleanly: \(server.stderr)")
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before, "never writes")
    XCTAssertEqual(try int("SELECT count(*) FROM tunes"), 2)
  }

  func testTunePageFollowsTheTuneWhileItsRunsRun() throws {
    XCTAssertEqual(try tracker(tuneArguments).status, 0)
    let server = try ServeProcess.start(db: db, folder: folder)
    let complete = try httpGet(server.url + "/fragment/tune/t1")
    XCTAssertEqual(complete.status, 200)
    let completeJSON = try httpGet(server.url + "/api/tune/t1").body

    // A confirm run deleted under it: the page and the JSON say it is missing.
    let store = try RunStore.open(path: db)
    let confirm = try query(
      "SELECT r.id FROM runs r JOIN run_tags t ON t.run_seq = r.seq"
        + " WHERE t.key = 'tune-stage' AND t.value = 'confirm' LIMIT 1")
    guard case .text(let id) = confirm.first?.first else { return XCTFail("no confirm run") }
    _ = try store.delete([try store.resolve(id)])
    // A request may get the page of a moment ago while it is re-rendered (its
    // X-Tracker-Content says so); the page's script asks again, and so does this.
    var missing = complete
    XCTAssertTrue(
      try wait {
        missing = try httpGet(server.url + "/fragment/tune/t1")
        return missing.headers["x-tracker-content"] != complete.headers["x-tracker-content"]
      })
    XCTAssertNotEqual(missing.body, complete.body)
    let missingJSON = try tracker(["tune", "--db", db, "--report", "t1", "--format", "json"])
    XCTAssertNotEqual(missingJSON.stdout, completeJSON)
    XCTAssertTrue(try wait { try httpGet(server.url + "/api/tune/t1").body == missingJSON.stdout })

    // The tune resumed while serving: it runs the one run, and the page follows.
    let resumed = try tracker(tuneArguments)
    XCTAssertEqual(resumed.status, 0, resumed.stderr)
    XCTAssertTrue(resumed.stderr.contains("confirm: 4 runs, 3 already done, 1 to run"))
    XCTAssertTrue(
      try wait {
        try httpGet(server.url + "/fragment/tune/t1").headers["x-tracker-content"]
          != missing.headers["x-tracker-content"]
      })
    let now = try tracker(["tune", "--db", db, "--report", "t1", "--format", "json"])
    XCTAssertTrue(try wait { try httpGet(server.url + "/api/tune/t1").body == now.stdout })
    XCTAssertEqual(server.stop(), 0)
  }
}
