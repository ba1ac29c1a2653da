// TerminalText: user text (run names, tags, commands) made safe to print on a
// terminal: control characters are shown as escapes instead of moving the
// cursor, clearing the screen or breaking a table row.

extension String {
  /// This text with every control character (Unicode general category Cc:
  /// C0, DEL and C1) written as an escape: `\n`, `\r`, `\t`, or `\u{1B}` for
  /// the others. Everything else, non-ASCII letters and emoji included, is
  /// kept. Stored values are not changed: JSON and CSV carry them exactly.
  public var escapingControlCharacters: String {
    guard unicodeScalars.contains(where: \.isControl) else { return self }
    return replacingScalars { scalar in
      switch scalar {
      case "\n": "\\n"
      case "\r": "\\r"
      case "\t": "\\t"
      case _ where scalar.isControl:
        "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      default: nil
      }
    }
  }
}

extension Unicode.Scalar {
  /// General category Cc: U+0000-U+001F, U+007F-U+009F.
  fileprivate var isControl: Bool { properties.generalCategory == .control }
}
