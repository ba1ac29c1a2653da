// RunStore+Storage: how much disk the database takes, in all and per table,
// for scripts/bench-store.
import Foundation

extension RunStore {
  /// Copies the write-ahead log into the database file and empties it, so the
  /// file's size is the database's size
  /// (https://sqlite.org/pragma.html#pragma_wal_checkpoint).
  public func checkpoint() throws {
    try database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
  }

  /// page_count × page_size: the bytes of the database proper, without WAL.
  public func databaseBytes() throws -> Int {
    var pages = 0
    var pageSize = 0
    try statement("PRAGMA page_count").forEachRow { pages = Int($0.int64(0)) }
    try statement("PRAGMA page_size").forEachRow { pageSize = Int($0.int64(0)) }
    return pages * pageSize
  }

  /// Bytes of pages per table and index, largest first, from the `dbstat`
  /// virtual table (https://sqlite.org/dbstat.html); nil when this SQLite
  /// was built without it.
  public func bytesPerTable() throws -> [(name: String, bytes: Int)]? {
    do {
      var result: [(name: String, bytes: Int)] = []
      try database.prepare(
        "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
      ).forEachRow { result.append(($0.text(0), Int($0.int64(1)))) }
      return result
    } catch let error as SQLiteError where error.message.contains("no such table") {
      return nil
    }
  }
}
