// JSONTextTests: JSON string quoting, which the export's JSON lines and the
// reports' JSON both use: escapes what RFC 8259 requires, keeps the rest.
import Foundation
import TrackerStore
import XCTest

final class JSONTextTests: XCTestCase {
  func testQuotesBackslashesAndControlCharactersAreEscaped() {
    XCTAssertEqual(JSONText.quoted(#"say "hi" \ bye"#), #""say \"hi\" \\ bye""#)
    XCTAssertEqual(JSONText.quoted("a\nb\rc\td"), #""a\nb\rc\td""#)
    XCTAssertEqual(JSONText.quoted("\u{0}\u{1B}\u{1F}"), #""\u0000\u001b\u001f""#)
  }

  func testOtherTextIsKept() {
    for text in ["", "adam-1", "it's / fine", "ünïcødé 日本語 🚀", "\u{7F}\u{85}", "é\u{301}"] {
      XCTAssertEqual(JSONText.quoted(text), "\"" + text + "\"")
    }
  }

  func testQuotedTextReadsBackAsWritten() throws {
    let text = "\"x\"\\\n\u{1}\u{10}y 🚀\r\n"
    let data = Data(("[" + JSONText.quoted(text) + "]").utf8)
    XCTAssertEqual(try JSONSerialization.jsonObject(with: data) as? [String], [text])
  }
}
