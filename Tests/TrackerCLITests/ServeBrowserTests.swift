// `tracker serve` in headless Chromium: the pages render (the report's table
// and charts are in the DOM), and a run recorded while a page is open appears
// in it without a reload.
import Foundation
import TrackerStore
import TrackerTestSupport
import XCTest

final class ServeBrowserTests: TemporaryFolderTestCase {
  var db: String { folder.appendingPathComponent("t.sqlite").path }

  func testPagesRenderInChromium() throws {
    _ = try chromium()
    let store = try RunStore.open(path: db)
    for (index, optimizer) in ["adam", "sgd"].enumerated() {
      try RunFixture.record(
        into: store, optimizer: optimizer, hour: Double(index), name: "<b>x</b>")
    }
    // --live-wait 1: Chromium's virtual time stands still while the page's
    // status request waits.
    let server = try ServeProcess.start(db: db, folder: folder, ["--live-wait", "1"])
    let home = try dumpDOM(server.url + "/", budget: 2000, folder: folder)
    XCTAssertTrue(home.contains("<table class=\"groups\">"), home)
    XCTAssertTrue(home.contains("class=\"chart\""), "the report's charts are drawn")
    let runs = try dumpDOM(server.url + "/runs", budget: 2000, folder: folder)
    // The script links run ids and makes the headers sortable.
    XCTAssertTrue(runs.contains("<a href=\"/runs/"), runs)
    XCTAssertTrue(runs.contains("sortable"), runs)
    XCTAssertTrue(runs.contains("&lt;b&gt;x&lt;/b&gt;"), "escaped in the DOM too")
    XCTAssertFalse(runs.contains("<b>x</b>"))
  }

  /// Chromium opens `/` and waits on its status request; the test then
  /// records a run; the dumped DOM holds that run's progress bar and the
  /// comparison re-fetched (data-updates), though the page was loaded before.
  func testARunRecordedWhileThePageIsOpenAppearsWithoutReload() throws {
    _ = try chromium()
    let store = try RunStore.open(path: db)
    try RunFixture.record(into: store, optimizer: "sgd")
    let server = try ServeProcess.start(db: db, folder: folder, ["--live-wait", "1"])
    let page = try httpGet(server.url + "/")
    XCTAssertFalse(page.body.contains("live-run"))

    nonisolated(unsafe) var dom = ""
    let (url, folder) = (server.url, folder!)
    let browser = DispatchGroup()
    DispatchQueue.global().async(group: browser) {
      dom = (try? dumpDOM(url + "/", budget: 4000, folder: folder)) ?? ""
    }
    // The page is open once its status request waits on the server.
    let deadline = Date().addingTimeInterval(60)
    var watching = false
    while !watching && Date() < deadline {
      watching = (try? httpGet(server.url + "/api/status").body.contains("\"watchers\":1")) ?? false
      if !watching { Thread.sleep(forTimeInterval: 0.1) }
    }
    XCTAssertTrue(watching, "Chromium never polled: \(server.stderr)")
    let run = RunFixture.newRun(name: "live-run", settings: RunFixture.settings(iters: 30))
    try RunFixture.record(run, into: store, status: .running)
    browser.wait()

    XCTAssertTrue(dom.contains("live-run"), dom)
    XCTAssertTrue(dom.contains("data-id=\"\(run.id)\""), dom)
    XCTAssertTrue(dom.contains("<progress"), dom)
    XCTAssertTrue(dom.contains("data-updates=\""), "the comparison was re-fetched: \(dom)")
  }
}
