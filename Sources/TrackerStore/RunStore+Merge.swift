// RunStore+Merge: copies runs with their tags and metrics from another tracker
// database into this one, matching runs by UUID (the integer `seq` keys of two
// files collide, so each copied run gets a new seq here). Generic over columns:
// whatever columns both files' tables have are copied, so later migrations'
// columns merge without a change here.
import Foundation

/// What one `merge` did, by run id.
public struct MergeResult: Sendable {
  /// Runs copied in.
  public var merged: [String] = []
  /// Runs already here, identical: nothing to do.
  public var skipped: [String] = []
  /// Runs still `running` in the source, left out (they may still change).
  public var running: [String] = []
  /// True when the source had an older schema and was read through a migrated copy.
  public var migratedCopy = false
}

extension RunStore {
  /// The metric and tag tables, keyed by `run_seq`; copied for each run.
  static let childTables = ["run_tags", "losses", "evals"]

  /// The longest a merge holds the write lock at once. Runs of other processes
  /// writing this file wait for it (busy timeout 5 s), so a big source is
  /// committed in slices of whole runs rather than in one long transaction.
  static let mergeSliceDuration: Duration = .milliseconds(200)

  /// Copies every run of the tracker database at `path` (opened read-only, never
  /// modified) that this one lacks, matching runs by id.
  ///
  /// A run whose id is already here is skipped when identical: the same value in
  /// every column of `runs` both files have (all but the local key `seq` and the
  /// name) and the same losses and evaluations, row for row; its name and tags
  /// here are kept, being labels users edit. One that differs is an error
  /// naming it, and nothing of that source is merged. `running` runs are left out
  /// unless `includeRunning`.
  ///
  /// All or nothing per source: every run is checked before anything is written;
  /// the copy is committed in slices of whole runs (see `mergeSliceDuration`) and,
  /// should one fail, the runs already copied are deleted again. Readers may see
  /// part of a source while it merges; a process killed meanwhile leaves whole
  /// runs, and merging again completes the rest.
  public func merge(from path: String, includeRunning: Bool = false) throws -> MergeResult {
    let source = try MergeSource.open(path, destination: database.path)
    var result = MergeResult(migratedCopy: source.migratedCopy)
    let from = source.database
    // One read transaction: a snapshot of a source that may still be written.
    try from.read {
      let runColumns = try commonColumns("runs", from).filter { $0 != "seq" }
      let select = try from.prepare(
        "SELECT seq, status, \(runColumns.joined(separator: ", ")) FROM runs ORDER BY seq")
      var pending: [(seq: Int64, id: String, values: [SQLValue])] = []
      let idIndex = runColumns.firstIndex(of: "id")!
      try select.forEachRow { row in
        let values = (0..<runColumns.count).map { row.value($0 + 2) }
        guard case .text(let id) = values[idIndex] else { return }
        if row.text(1) == RunStatus.running.rawValue && !includeRunning {
          result.running.append(id)
        } else if let here = try seq(ofRun: id) {
          if let difference = try difference(
            here: here, there: row.int64(0), values: values, columns: runColumns, source: from)
          {
            throw StoreError(
              "run \(id) in '\(path)' differs from the run with that id in \(database.path)"
                + " (\(difference)); nothing of '\(path)' was merged: delete one of the two"
                + " ('tracker delete') and merge again")
          }
          result.skipped.append(id)
        } else {
          pending.append((row.int64(0), id, values))
        }
      }
      try copy(pending, columns: runColumns, from: source)
      result.merged = pending.map(\.id)
    }
    return result
  }

  // MARK: - Comparing

  /// The columns `table` has in both this database and `other`, in this one's order.
  func commonColumns(_ table: String, _ other: Database) throws -> [String] {
    let theirs = Set(try other.columns(of: table))
    return try database.columns(of: table).filter { theirs.contains($0) }
  }

  func seq(ofRun id: String) throws -> Int64? {
    var seq: Int64?
    try statement("SELECT seq FROM runs WHERE id = ?").forEachRow([.text(id)]) { seq = $0.int64(0) }
    return seq
  }

  /// What differs between run `here` (this database) and run `there` of
  /// `source`, whose `runs` row is `values` in `columns`; nil when identical.
  private func difference(
    here: Int64, there: Int64, values: [SQLValue], columns: [String], source: Database
  ) throws -> String? {
    var mine: [SQLValue] = []
    try statement("SELECT \(columns.joined(separator: ", ")) FROM runs WHERE seq = ?")
      .forEachRow([.integer(here)]) { row in mine = (0..<columns.count).map { row.value($0) } }
    // Labels (the name, the tags) may be edited after a run ('tracker rename',
    // 'tracker tag', a sweep tagging the runs it skips): they don't make a run
    // differ, and the labels here are kept.
    let compared = mine.indices.filter { columns[$0] != "name" }
    if let index = compared.first(where: { mine[$0] != values[$0] }) {
      return
        "column \(columns[index]): \(describe(mine[index])) here, \(describe(values[index])) there"
    }
    for table in Self.childTables where table != "run_tags" {
      let shared = try commonColumns(table, source).filter { $0 != "run_seq" }
      let sql =
        "SELECT \(shared.joined(separator: ", ")) FROM \(table) WHERE run_seq = ? ORDER BY 1, 2"
      if try rows(try statement(sql), here) != rows(try source.prepare(sql), there) {
        return "its \(table)"
      }
    }
    return nil
  }

  private func rows(_ select: Statement, _ seq: Int64) throws -> [[SQLValue]] {
    var rows: [[SQLValue]] = []
    try select.forEachRow([.integer(seq)]) { row in
      rows.append((0..<row.columnCount).map { row.value($0) })
    }
    return rows
  }

  private func describe(_ value: SQLValue) -> String {
    switch value {
    case .null: "NULL"
    case .integer(let v): String(v)
    case .real(let v): String(v)
    case .text(let v): "'\(v)'"
    case .blob(let v): "\(v.count)-byte blob"
    }
  }

  // MARK: - Copying

  /// Inserts `runs` (their `runs` rows in `columns`) with their tags and
  /// metrics, in slices of whole runs; on failure deletes what it inserted.
  private func copy(
    _ runs: [(seq: Int64, id: String, values: [SQLValue])], columns: [String],
    from source: MergeSource
  ) throws {
    let insertRun = try statement(
      "INSERT INTO runs (\(columns.joined(separator: ", "))) VALUES (\(placeholders(columns.count)))"
    )
    var children: [(select: Statement, insert: Statement)] = []
    for table in Self.childTables {
      let shared = try commonColumns(table, source.database).filter { $0 != "run_seq" }
      let list = shared.joined(separator: ", ")
      children.append(
        (
          try source.database.prepare("SELECT \(list) FROM \(table) WHERE run_seq = ?"),
          try statement(
            "INSERT INTO \(table) (run_seq, \(list)) VALUES (\(placeholders(shared.count + 1)))")
        ))
    }
    var inserted: [Int64] = []
    var next = 0
    do {
      while next < runs.count {
        let sliceStart = ContinuousClock.now
        let (added, index) = try database.writeRetryingBusy {
          var index = next
          var added: [Int64] = []
          while index < runs.count
            && (index == next || ContinuousClock.now - sliceStart < Self.mergeSliceDuration)
          {
            let run = runs[index]
            try insertRun.execute(run.values)
            let seq = database.lastInsertRowID
            for child in children {
              try child.select.bind([.integer(run.seq)])
              try child.select.copyRows(into: child.insert, seq: seq)
            }
            added.append(seq)
            index += 1
          }
          return (added, index)
        }
        // Counted only once the slice committed: a rolled-back slice left nothing.
        inserted += added
        next = index
      }
    } catch {
      // `inserted` holds only committed slices; the failed one rolled back.
      if !inserted.isEmpty {
        try? database.writeRetryingBusy {
          for seq in inserted {
            for table in Self.childTables {
              try statement("DELETE FROM \(table) WHERE run_seq = ?").execute([.integer(seq)])
            }
            try statement("DELETE FROM runs WHERE seq = ?").execute([.integer(seq)])
          }
        }
      }
      throw StoreError(
        "merging '\(source.path)' into \(database.path) failed: \(error); nothing of it was merged")
    }
  }
}

// MARK: - Runs whose process is known to be gone

extension RunStore {
  /// Marks run `id` interrupted with `reason` if it is still `running`, ending it
  /// at its last heartbeat (what it wrote is kept). For a caller that knows the
  /// process is gone, such as a Slurm job whose task was cancelled: the usual
  /// check (`markAbandonedRuns`) cannot see a pid on another node. Returns
  /// whether it was running.
  @discardableResult
  public func markStopped(id: String, reason: String) throws -> Bool {
    try database.writeRetryingBusy {
      guard let seq = try seq(ofRun: id) else { return false }
      try statement(
        """
        UPDATE runs SET status = 'interrupted', error = ?,
          ended_at = coalesce(heartbeat_at, started_at),
          duration_s = max(0, julianday(coalesce(heartbeat_at, started_at))
            - julianday(started_at)) * 86400
        WHERE seq = ? AND status = 'running'
        """
      ).execute([.text(reason), .integer(seq)])
      guard database.changes == 1 else { return false }
      try storeSummary(seq: seq)
      return true
    }
  }
}
