// SQLValue: the five SQLite storage classes, used to bind statement parameters
// and to read columns whose type is not known in advance.

/// One SQLite value (https://sqlite.org/datatype3.html, "Storage Classes").
public enum SQLValue: Sendable, Hashable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob([UInt8])
}

extension SQLValue {
  /// `.null` for nil, so optional columns bind without a switch at each call site.
  public static func nullable(_ value: Int64?) -> SQLValue { value.map { .integer($0) } ?? .null }
  public static func nullable(_ value: Double?) -> SQLValue { value.map { .real($0) } ?? .null }
  public static func nullable(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
}
