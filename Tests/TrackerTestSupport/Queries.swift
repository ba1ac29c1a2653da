// Reading rows back in tests: every row of a query as plain values.
import TrackerStore
import XCTest

extension Database {
  /// Every row of `sql`, each as its column values.
  public func rows(_ sql: String, _ values: [SQLValue] = []) throws -> [[SQLValue]] {
    var rows: [[SQLValue]] = []
    try prepare(sql).forEachRow(values) { row in
      rows.append((0..<row.columnCount).map { row.value($0) })
    }
    return rows
  }

  /// The first column of the first row of `sql`, an integer; throws (failing
  /// the test) when there is no row or the value is not an integer.
  public func integer(
    _ sql: String, _ values: [SQLValue] = [], file: StaticString = #filePath, line: UInt = #line
  ) throws -> Int64 {
    var value: Int64?
    if case .integer(let number) = try rows(sql, values).first?.first { value = number }
    return try XCTUnwrap(value, "no integer from \(sql)", file: file, line: line)
  }
}
