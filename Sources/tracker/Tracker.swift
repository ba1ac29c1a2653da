// The `tracker` command: subcommands only; all logic lives in TrackerStore,
// TrackerEngine and TrackerReports.
import ArgumentParser

@main
struct Tracker: ParsableCommand {
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "tracker",
    abstract: "Train MNIST networks with different optimizers and record every run in SQLite.",
    discussion: """
      Every run is stored in one SQLite file (default ./tracker.sqlite, or --db, or \
      $TRACKER_DB): hyperparameters, per-iteration loss, train/test accuracy every \
      --eval-interval iterations, status, timing and environment. Open it with `sqlite3`.

      First fetch the data once with scripts/fetch-mnist, then for example:
        tracker run --opt adam --seed 1
      """,
    version: version,
    subcommands: [
      Run.self, Sweep.self, List.self, Show.self, Compare.self, Delete.self, Plot.self, Report.self,
      Serve.self,
    ]
  )
}
