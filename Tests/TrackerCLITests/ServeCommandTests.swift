// `tracker serve`: the real server on a free loopback port, every route's
// status, content type and content (escaping included), read-only opening,
// bad input, a port in use, Ctrl-C, and the live status a page polls.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

final class ServeCommandTests: TemporaryFolderTestCase {
  var db: String { folder.appendingPathComponent("t.sqlite").path }
  let hostile = "<script>alert(1)</script>"

  /// Two adam and two sgd runs, one named with markup and tagged with it.
  @discardableResult
  func makeRuns() throws -> [String] {
    let store = try RunStore.open(path: db)
    var ids: [String] = []
    for (index, optimizer) in ["adam", "adam", "sgd", "sgd"].enumerated() {
      let recorder = try RunFixture.record(
        into: store, optimizer: optimizer, seed: Int64(index), hour: Double(index),
        name: index == 0 ? hostile : nil, id: UUID().uuidString.lowercased())
      ids.append(recorder.runID)
      if index == 0 {
        try store.database.execute(
          "INSERT INTO run_tags (run_seq, key, value) VALUES (?, 'note', ?)",
          [.integer(recorder.seq), .text(hostile)])
      }
    }
    return ids
  }

  func testEveryRouteAnswersWithItsTypeAndEscapesWhatUsersWrote() throws {
    let ids = try makeRuns()
    let before = try Data(contentsOf: URL(fileURLWithPath: db))
    let server = try ServeProcess.start(db: db, folder: folder)
    XCTAssertTrue(server.url.hasPrefix("http://127.0.0.1:"), server.url)

    let home = try httpGet(server.url + "/")
    XCTAssertEqual(home.status, 200)
    XCTAssertEqual(home.contentType, "text/html; charset=utf-8")
    XCTAssertTrue(home.body.contains("<h2>Comparison</h2>"), home.body)
    XCTAssertTrue(home.body.contains("<svg"), "the report's charts")
    XCTAssertTrue(home.body.contains("<form method=\"get\" action=\"/\""))

    let runs = try httpGet(server.url + "/runs")
    XCTAssertEqual(runs.status, 200)
    XCTAssertTrue(runs.body.contains(ids[3]))
    XCTAssertTrue(runs.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    XCTAssertFalse(runs.body.contains(hostile), "a name's markup is escaped")

    let run = try httpGet(server.url + "/runs/" + ids[0].prefix(8))
    XCTAssertEqual(run.status, 200)
    XCTAssertTrue(run.body.contains(ids[0]))
    XCTAssertTrue(run.body.contains("&lt;script&gt;"))
    XCTAssertFalse(run.body.contains(hostile))
    XCTAssertTrue(run.body.contains("run-chart1"), "the run's charts")

    // Same JSON as the command line.
    let api = try httpGet(server.url + "/api/compare?opt=sgd,adam")
    XCTAssertEqual(api.status, 200)
    XCTAssertEqual(api.contentType, "application/json; charset=utf-8")
    let cli = try TrackerProcess.run(["compare", "sgd", "adam", "--format", "json", "--db", db])
    XCTAssertEqual(api.body, cli.stdout)
    let list = try httpGet(server.url + "/api/runs?limit=0")
    XCTAssertEqual(
      list.body,
      try TrackerProcess.run(["list", "--limit", "0", "--format", "json", "--db", db]).stdout)
    let show = try httpGet(server.url + "/api/runs/" + ids[1])
    XCTAssertEqual(show.status, 200)
    XCTAssertEqual(
      show.body, try TrackerProcess.run(["show", ids[1], "--format", "json", "--db", db]).stdout)
    XCTAssertEqual(try httpGet(server.url + "/api").status, 200)
    let status = try httpGet(server.url + "/api/status")
    XCTAssertTrue(status.body.contains("\"running\":[]"), status.body)

    // A filter narrows the comparison; a bad one is a 400 in the command's words.
    let adam = try httpGet(server.url + "/api/compare?opt=adam&where=lr=0.001")
    XCTAssertTrue(adam.body.contains("adam") && !adam.body.contains("\"sgd"), adam.body)
    let unknown = try httpGet(server.url + "/api/compare?where=nope=1")
    XCTAssertEqual(unknown.status, 400)
    XCTAssertTrue(unknown.body.contains("\"error\""), unknown.body)
    XCTAssertEqual(try httpGet(server.url + "/?colour=red").status, 400)
    XCTAssertEqual(try httpGet(server.url + "/api/compare?opt=--db").status, 400)
    // Values reach SQL only as bound values: this one selects nothing and drops nothing.
    let injection = try httpGet(
      server.url + "/api/compare?tag=" + "x=1' OR 1=1; DROP TABLE runs; --".addingPercentEncoding(
        withAllowedCharacters: .alphanumerics)!)
    XCTAssertEqual(injection.status, 404, injection.body)
    XCTAssertEqual(try httpGet(server.url + "/api/runs?limit=0").body, list.body)

    // No path traversal through /runs/{id}; an unknown id is a 404.
    let traversal = try httpGet(server.url + "/runs/..%2F..%2Fetc%2Fpasswd")
    XCTAssertTrue([400, 404].contains(traversal.status), "\(traversal.status)")
    XCTAssertFalse(traversal.body.contains("root:"))
    XCTAssertEqual(try httpGet(server.url + "/runs/%3Cscript%3E").status, 400)
    XCTAssertFalse(try httpGet(server.url + "/runs/%3Cscript%3E").body.contains("<script>alert"))
    XCTAssertEqual(try httpGet(server.url + "/runs/ffffffff").status, 404)
    XCTAssertEqual(try httpGet(server.url + "/api/runs/ffffffff").status, 404)
    XCTAssertEqual(try httpGet(server.url + "/nowhere").status, 404)

    XCTAssertEqual(server.stop(), 0, "Ctrl-C stops it cleanly: \(server.stderr)")
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before, "never writes")
  }

  func testLiveStatusShowsARunRecordedWhileServing() throws {
    try makeRuns()
    let server = try ServeProcess.start(db: db, folder: folder)
    let first =
      try JSONSerialization.jsonObject(
        with: Data(try httpGet(server.url + "/api/status").body.utf8)) as! [String: Any]
    let generation = first["generation"] as! Int

    // A run recorded now, left running (flushed), as `tracker run` leaves it mid-way.
    let store = try RunStore.open(path: db)
    let run = RunFixture.newRun(name: "live one", settings: RunFixture.settings(iters: 30))
    let recorder = try RunFixture.record(run, into: store, status: .running)
    let answer = try httpGet(server.url + "/api/status?since=\(generation)&wait=10")
    let status = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as! [String: Any]
    XCTAssertGreaterThan(status["generation"] as! Int, generation)
    XCTAssertNotEqual(status["content"] as? String, first["content"] as? String)
    let running = status["running"] as! [[String: Any]]
    XCTAssertEqual(running.map { $0["id"] as? String }, [run.id])
    XCTAssertEqual(running.first?["iteration"] as? Int, 30)
    XCTAssertEqual(running.first?["iterations"] as? Int, 30)
    XCTAssertTrue(try httpGet(server.url + "/").body.contains("<progress max=\"30\" value=\"30\">"))

    // It ends: the comparison gains its group without a restart.
    try recorder.finish(status: .completed, endedAt: run.startedAt + 5)
    let compared = try httpGet(server.url + "/api/compare?opt=adam").body
    XCTAssertTrue(compared.contains("\"runs\": 3"), compared)
    // Deleted under it: still serving.
    _ = try store.delete([try store.resolve(run.id)])
    XCTAssertEqual(try httpGet(server.url + "/runs/" + run.id).status, 404)
    XCTAssertEqual(try httpGet(server.url + "/").status, 200)
  }

  func testBadDatabasePortInUseAndHostAreOneLine() throws {
    let missing = try TrackerProcess.run([
      "serve", "--db", folder.appendingPathComponent("no.sqlite").path,
    ])
    XCTAssertEqual(missing.status, 1)
    XCTAssertTrue(missing.stderr.hasPrefix("error: no database at"), missing.stderr)
    XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)

    try makeRuns()
    let server = try ServeProcess.start(db: db, folder: folder)
    let port = server.url.split(separator: ":").last!
    let busy = try TrackerProcess.run(["serve", "--db", db, "--port", String(port)])
    XCTAssertEqual(busy.status, 1)
    XCTAssertEqual(busy.stderr, "error: port \(port) is in use; pass --port N\n")

    let open = try ServeProcess.start(db: db, folder: folder, ["--host", "0.0.0.0"])
    XCTAssertTrue(open.stderr.hasPrefix("warning: listening on 0.0.0.0"), open.stderr)
    XCTAssertEqual(open.stop(SIGTERM), 0)
    XCTAssertEqual(server.stop(), 0)
  }
}
