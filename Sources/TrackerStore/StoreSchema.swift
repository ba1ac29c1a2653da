// StoreSchema: the tables and columns tracker's SQL relies on, checked when a
// database is opened, so that a damaged schema (a dropped table, a missing
// column) is refused with one line before a run trains, not found mid-run.
import Foundation

enum StoreSchema {
  /// What list, show, compare, plot and report read (`RunStore.runColumns`
  /// and the metric tables). A file at an older schema that lacks some of
  /// them is read through a migrated copy in memory (`RunStore.openExisting`).
  static let read: [(table: String, columns: [String])] = [
    (
      "runs",
      [
        "seq", "id", "name", "status", "optimizer", "started_at", "ended_at", "duration_s",
        "dataset_hash", "tracker_version", "host", "pid", "command", "error", "diverged_at",
        "baseline", "learning_margin", "learning_start", "final_test_acc", "best_test_acc",
        "final_loss", "final_val_acc", "config_key", "source",
      ] + HyperParameter.allCases.map(\.rawValue)
    ),
    ("run_tags", ["run_seq", "key", "value"]),
    ("losses", ["run_seq", "iter", "loss"]),
    ("evals", ["run_seq", "iter", "train_acc", "test_acc"]),
  ]

  /// What run, sweep and delete also write: the heartbeat of 0004.
  static let write: [(table: String, columns: [String])] = read.map { table in
    table.table == "runs" ? (table.table, table.columns + ["heartbeat_at"]) : table
  }

  /// The first table or column of `required` that `database` lacks, as
  /// "table losses is missing" or "column runs.seed is missing"; nil when
  /// all are there. One `PRAGMA table_xinfo` per table (it, unlike table_info,
  /// lists generated columns such as `config_key`): microseconds, so
  /// every open can afford it (https://sqlite.org/pragma.html#pragma_table_info).
  static func missing(in database: Database, _ required: [(table: String, columns: [String])])
    throws -> String?
  {
    for (table, columns) in required {
      var present = Set<String>()
      try database.prepare("SELECT name FROM pragma_table_xinfo(?)").forEachRow([.text(table)]) {
        present.insert($0.text(0))
      }
      guard !present.isEmpty else { return "table \(table) is missing" }
      if let column = columns.first(where: { !present.contains($0) }) {
        return "column \(table).\(column) is missing"
      }
    }
    return nil
  }
}
