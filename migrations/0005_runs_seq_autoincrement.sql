-- 0005: run numbers (`runs.seq`) are never reused.
--
-- With a plain INTEGER PRIMARY KEY, SQLite gives a new row max(seq) + 1, so
-- after the newest run was deleted the next run got its number, and a process
-- still recording the deleted run wrote its metrics under the new run
-- (docs/robustness.md, "Deleting runs"). AUTOINCREMENT never hands out a
-- number twice: the largest one ever used is kept in `sqlite_sequence`
-- (https://sqlite.org/autoinc.html).
--
-- A primary key can't be altered, so `runs` is rebuilt as
-- https://sqlite.org/lang_altertable.html#otheralter describes: new table,
-- copy, drop, rename, then its indexes. The views of 0003 are dropped first
-- (a view that names a missing table would make the RENAME fail); 0008
-- creates them again, once, with the columns 0006-0008 add. tracker runs every migration with foreign_keys OFF and checks
-- `PRAGMA foreign_key_check` before committing (Migrator.migrate): with
-- foreign keys on, DROP TABLE runs would delete every metric by cascade.
-- Columns keep their order: 0001's, then 0002's, then 0004's.
DROP VIEW run_summaries;
DROP VIEW accuracy_curves;
DROP VIEW loss_curves;

CREATE TABLE runs_new (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
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
  diverged_at     INTEGER,                      -- iteration whose loss was NaN/inf
  baseline        REAL,                         -- 0002: see 0002_run_summaries.sql
  learning_margin REAL,
  learning_start  INTEGER,
  final_test_acc  REAL,
  best_test_acc   REAL,
  final_loss      REAL,
  heartbeat_at    TEXT                          -- 0004: see 0004_run_heartbeat.sql
);

-- Explicit seq values: every run keeps its number, and sqlite_sequence starts
-- at the largest one.
INSERT INTO runs_new (
  seq, id, name, status, optimizer, seed, lr, iters, batch_size, eval_interval,
  momentum, adagrad_theta, decay_rate, beta1, beta2, hidden, activation, weight_init,
  batchnorm, dataset, dataset_hash, started_at, ended_at, duration_s, tracker_version,
  host, pid, command, error, diverged_at, baseline, learning_margin, learning_start,
  final_test_acc, best_test_acc, final_loss, heartbeat_at)
SELECT
  seq, id, name, status, optimizer, seed, lr, iters, batch_size, eval_interval,
  momentum, adagrad_theta, decay_rate, beta1, beta2, hidden, activation, weight_init,
  batchnorm, dataset, dataset_hash, started_at, ended_at, duration_s, tracker_version,
  host, pid, command, error, diverged_at, baseline, learning_margin, learning_start,
  final_test_acc, best_test_acc, final_loss, heartbeat_at
FROM runs;

DROP TABLE runs;
ALTER TABLE runs_new RENAME TO runs;

CREATE INDEX runs_optimizer ON runs (optimizer);
CREATE INDEX runs_started_at ON runs (started_at);
CREATE INDEX runs_status_optimizer ON runs (status, optimizer);
