// DashboardQuery: a page's query parameters as the command-line arguments of
// the command that fetches it (`?opt=sgd,adam&where=lr=0.1` is `sgd adam
// --where=lr=0.1`). Only the parameters a route names pass; every value is one
// `--name=value` token, so a value can never become another option (no
// `--db` smuggled in); the commands then bind them into SQL.
import Hummingbird

struct DashboardQuery: Sendable {
  /// Optimizer names (`opt`, comma-separated or repeated).
  var optimizers: [String] = []
  /// `--name=value` arguments, in the order given.
  var options: [String] = []

  /// The options each route passes on (besides `opt`). `group-by` and
  /// `sort` go to the command as they are: one that doesn't know them
  /// answers with its own error.
  static let filters = ["where", "tag", "status", "group-by", "sort"]
  static let comparison = filters
  static let compareAPI = filters + ["margin"]
  static let runList = filters + ["limit"]
  /// Parameters the page's script adds, not filters.
  static let live = ["since", "wait"]

  /// - Throws: `DashboardInputError` for a parameter `allowed` doesn't
  ///   name, or an optimizer name that isn't a plain word.
  init(_ parameters: [(key: Substring, value: Substring)], allowed: [String]) throws {
    for (key, value) in parameters {
      let name = String(key)
      if Self.live.contains(name) { continue }
      if name == "opt" {
        for optimizer in value.split(separator: ",") {
          guard optimizer.allSatisfy({ $0.isLetter || $0.isNumber }) else {
            throw DashboardInputError(
              "opt=\(optimizer): give optimizer names such as opt=sgd,adam")
          }
          optimizers.append(String(optimizer))
        }
      } else if allowed.contains(name) {
        if !value.isEmpty { options.append("--\(name)=\(value)") }
      } else {
        let names = (["opt"] + allowed).joined(separator: ", ")
        throw DashboardInputError("unknown query parameter '\(name)'; use \(names)")
      }
    }
  }

  init(_ request: Request, allowed: [String]) throws {
    let parameters = request.uri.queryParameters.map { (key: $0.key, value: $0.value) }
    try self.init(parameters, allowed: allowed)
  }

  var arguments: [String] { optimizers + options }

  /// The same query as a URL query string (leading `?`, or empty), for
  /// the fragment the page re-fetches and the links between pages.
  var queryString: String {
    var items = optimizers.isEmpty ? [] : ["opt=" + optimizers.joined(separator: ",")]
    for option in options {
      let text = option.dropFirst(2)
      guard let equals = text.firstIndex(of: "=") else { continue }
      items.append(
        "\(text[..<equals])=\(Self.percentEncode(String(text[text.index(after: equals)...])))")
    }
    return items.isEmpty ? "" : "?" + items.joined(separator: "&")
  }

  /// `text` with everything but unreserved characters percent-encoded
  /// (RFC 3986 section 2.3).
  static func percentEncode(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
      let char = Character(Unicode.Scalar(byte))
      if char.isASCII && (char.isLetter || char.isNumber || "-._~".contains(char)) {
        out.append(char)
      } else {
        out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2)
      }
    }
    return out
  }

  /// The value of the first `name=` option, for pre-filling the form.
  func values(_ name: String) -> [String] {
    options.compactMap { option in
      option.hasPrefix("--\(name)=") ? String(option.dropFirst(name.count + 3)) : nil
    }
  }
}

extension String {
  fileprivate func leftPadded(_ width: Int) -> String {
    String(repeating: "0", count: max(0, width - count)) + self
  }
}
