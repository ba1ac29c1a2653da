-- 0001: runs, their tags, and their metrics.
--
-- A run is one training of the network with one optimizer and one seed.
-- `seq` is a compact integer key used by the metric tables (it keeps each metric
-- row small: see README "Schema"); `id` is the UUID users see and type.
-- Hyperparameters are plain columns so they can be queried by name; those the
-- run's optimizer does not use are NULL.
CREATE TABLE runs (
  seq             INTEGER PRIMARY KEY,
  id              TEXT    NOT NULL UNIQUE,      -- UUID, lower case
  name            TEXT,                         -- optional --name
  status          TEXT    NOT NULL
                  CHECK (status IN ('running', 'completed', 'failed', 'interrupted', 'diverged')),
  optimizer       TEXT    NOT NULL,             -- sgd | momentum | adagrad | rmsprop | adam
  seed            INTEGER NOT NULL,
  lr              REAL    NOT NULL,
  iters           INTEGER NOT NULL,
  batch_size      INTEGER NOT NULL,
  eval_interval   INTEGER NOT NULL,
  momentum        REAL,                         -- momentum only
  adagrad_theta   REAL,                         -- adagrad only
  decay_rate      REAL,                         -- rmsprop only
  beta1           REAL,                         -- adam only
  beta2           REAL,                         -- adam only
  hidden          TEXT    NOT NULL,             -- e.g. '40,20'
  activation      TEXT    NOT NULL,             -- sigmoid | relu
  weight_init     TEXT    NOT NULL,             -- a number (std), 'he' or 'xavier'
  batchnorm       INTEGER NOT NULL,             -- 0 or 1
  dataset         TEXT    NOT NULL,             -- mnist | fashion-mnist
  dataset_hash    TEXT    NOT NULL,             -- fingerprint of the four IDX files
  started_at      TEXT    NOT NULL,             -- ISO 8601 UTC
  ended_at        TEXT,
  duration_s      REAL,
  tracker_version TEXT    NOT NULL,
  host            TEXT    NOT NULL,
  pid             INTEGER,
  command         TEXT    NOT NULL,             -- the command line, shell-quoted
  error           TEXT,                         -- why a run failed or stopped
  diverged_at     INTEGER                       -- iteration whose loss was NaN/inf
);
CREATE INDEX runs_optimizer ON runs (optimizer);
CREATE INDEX runs_started_at ON runs (started_at);

CREATE TABLE run_tags (
  run_seq INTEGER NOT NULL REFERENCES runs (seq) ON DELETE CASCADE,
  key     TEXT    NOT NULL,
  value   TEXT    NOT NULL,
  PRIMARY KEY (run_seq, key)
) WITHOUT ROWID;

-- One row per iteration: the mini-batch loss (NULL when it was NaN or infinite).
CREATE TABLE losses (
  run_seq INTEGER NOT NULL REFERENCES runs (seq) ON DELETE CASCADE,
  iter    INTEGER NOT NULL,                     -- 1-based
  loss    REAL,
  PRIMARY KEY (run_seq, iter)
) WITHOUT ROWID;

-- One row per evaluation (every eval_interval iterations).
CREATE TABLE evals (
  run_seq   INTEGER NOT NULL REFERENCES runs (seq) ON DELETE CASCADE,
  iter      INTEGER NOT NULL,
  train_acc REAL    NOT NULL,                   -- accuracy on that iteration's mini-batch
  test_acc  REAL    NOT NULL,                   -- accuracy on the full test set
  PRIMARY KEY (run_seq, iter)
) WITHOUT ROWID;
