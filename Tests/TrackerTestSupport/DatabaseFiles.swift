// DatabaseFiles: what the store tests and the CLI tests both open: a file an
// older tracker wrote, and --db values that cannot hold a database.
import Foundation
import TrackerStore

public enum DatabaseFiles {
  /// Writes at `path` the file an older tracker left: only the first
  /// `migrations` embedded migrations applied, and one completed sgd run in
  /// columns every schema since 0001 has. Closed when this returns.
  public static func writeOlder(at path: String, migrations: Int) throws {
    let old = try Database(path: path)
    try Migrator.migrate(old, migrations: Array(Migrator.embedded.prefix(migrations)))
    try old.execute(
      """
      INSERT INTO runs (id, status, optimizer, seed, lr, iters, batch_size, eval_interval, hidden,
        activation, weight_init, batchnorm, dataset, dataset_hash, started_at, tracker_version,
        host, command)
      VALUES ('00000000-0000-0000-0000-000000000001', 'completed', 'sgd', 1, 0.1, 10, 10, 10,
        '40,20', 'sigmoid', '0.01', 0, 'mnist', 'h', '2026-01-01T00:00:00.000Z', '0.1.0', 'h',
        'tracker run')
      """)
  }

  /// --db values that cannot hold a database, each with the part of its
  /// one-line error that names the problem and the fix. Relative values are
  /// refused by their form wherever they are read from; `fifo` is the path of
  /// a FIFO the test made.
  public static func unusablePaths(fifo: String) -> [(value: String, expected: String)] {
    [
      ("file:t.sqlite?mode=rw", "looks like a SQLite URI, but --db takes a plain path"),
      ("file:t.sqlite", "write './file:t.sqlite' for a file of that name"),
      ("FILE:x.db", "looks like a SQLite URI"),
      (":memory:", "--db ':memory:' would keep the runs in memory, lost when tracker exits"),
      ("", "--db is empty; pass a file path"),
      ("x/", "--db 'x/' names a folder; pass a file path such as 'x/tracker.sqlite'"),
      ("/dev/null", "'/dev/null' is not a regular file"),
      (fifo, "'\(fifo)' is not a regular file"),
    ]
  }
}
