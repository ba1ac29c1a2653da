// RunStore+Names: runs addressed by name as well as by id prefix, and the
// labels users may change after a run: its name and its tags.
import Foundation

extension RunStore {
  // MARK: - Addressing

  /// The run named `text` exactly, else the run whose id starts with it
  /// (`resolve(_:)`).
  ///
  /// - Throws: `StoreError` when several runs have that name (naming their
  ///   ids), or as `resolve(_:)` does.
  public func resolve(run text: String) throws -> StoredRun {
    let key = text.trimmingCharacters(in: .whitespaces)
    let sql = "SELECT \(Self.runColumns) FROM runs AS r WHERE r.name = ? ORDER BY r.seq"
    let named = try runsResolved(sql: sql, [.text(key)])
    if named.count > 1 {
      throw StoreError(
        "\(named.count) runs are named '\(key)' in \(database.path): "
          + named.map(\.shortID).joined(separator: ", ")
          + "; give the id instead, or rename one with 'tracker rename'")
    }
    if let run = named.first { return try resolve(run.id) }
    return try resolve(key)
  }

  /// Runs read with `sql` (which selects `runColumns`), with their tags.
  private func runsResolved(sql: String, _ values: [SQLValue]) throws -> [StoredRun] {
    var ids: [String] = []
    try statement(sql).forEachRow(values) { ids.append($0.text(1)) }
    return try ids.map { try resolve($0) }
  }

  // MARK: - Renaming and tagging

  /// Sets `run`'s name (nil removes it).
  ///
  /// - Throws: `StoreError` when another run already has the name: names
  ///   address runs, so they stay unique.
  public func rename(_ run: StoredRun, to name: String?) throws {
    try database.write {
      if let name {
        var taken: [String] = []
        try statement("SELECT id FROM runs WHERE name = ? AND seq != ?").forEachRow([
          .text(name), .integer(run.seq),
        ]) { taken.append($0.text(0)) }
        if let other = taken.first {
          throw StoreError(
            "run \(other.prefix(8)) is already named '\(name)'; choose another name")
        }
      }
      try statement("UPDATE runs SET name = ? WHERE seq = ?").execute([
        name.map { .text($0) } ?? .null, .integer(run.seq),
      ])
    }
  }

  /// Sets each of `tags` on `run` (replacing a tag of the same key) and
  /// removes the tags whose keys are in `removing`, in one transaction.
  ///
  /// - Throws: `StoreError` naming a key in `removing` that `run` lacks.
  public func retag(
    _ run: StoredRun, setting tags: [(key: String, value: String)], removing keys: [String]
  ) throws {
    try database.write {
      for key in keys {
        try statement("DELETE FROM run_tags WHERE run_seq = ? AND key = ?").execute([
          .integer(run.seq), .text(key),
        ])
        if database.changes == 0 {
          throw StoreError(
            "run \(run.shortID) has no tag '\(key)' (see 'tracker show \(run.shortID)')")
        }
      }
      for tag in tags {
        try statement(
          "INSERT INTO run_tags (run_seq, key, value) VALUES (?, ?, ?)"
            + " ON CONFLICT (run_seq, key) DO UPDATE SET value = excluded.value"
        ).execute([.integer(run.seq), .text(tag.key), .text(tag.value)])
      }
    }
  }
}
