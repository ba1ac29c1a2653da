// TerminalTextTests: control characters in user text are escaped for the
// terminal; everything else is kept.
import XCTest

@testable import TrackerStore

final class TerminalTextTests: XCTestCase {
  func testControlCharactersAreEscaped() {
    XCTAssertEqual("a\nb\rc\td".escapingControlCharacters, "a\\nb\\rc\\td")
    XCTAssertEqual("\u{1B}[2J\u{1B}[31mred".escapingControlCharacters, "\\u{1B}[2J\\u{1B}[31mred")
    XCTAssertEqual(
      "\u{0}\u{7}\u{7F}\u{85}\u{9B}".escapingControlCharacters, "\\u{0}\\u{7}\\u{7F}\\u{85}\\u{9B}")
    XCTAssertEqual("line\r\nnext".escapingControlCharacters, "line\\r\\nnext")
  }

  func testOtherTextIsKept() {
    for text in ["", "adam-1", "it's \"quoted\"; --", "ünïcødé 日本語 🚀", "back\\slash", "é\u{301}"] {
      XCTAssertEqual(text.escapingControlCharacters, text)
    }
  }
}
