// String+Scalars: the one loop behind tracker's escapings (terminal text, JSON
// strings, XML and HTML): each Unicode scalar either replaced or kept.

extension String {
  /// This text with each scalar for which `replacement` gives a text replaced
  /// by that text; scalars it gives nil for are kept as they are.
  public func replacingScalars(_ replacement: (Unicode.Scalar) -> String?) -> String {
    var out = ""
    out.reserveCapacity(utf8.count)
    for scalar in unicodeScalars {
      if let text = replacement(scalar) {
        out += text
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
