-- 0008: validation splits and tunes (issue 11).
--
-- runs.validation   training images held out as the validation set: the last
--                   `validation` images of the training set, whatever the seed;
--                   mini-batches are drawn from the others. 0 (every run
--                   recorded before this migration): none. Part of a run's
--                   configuration, like every hyperparameter column.
-- evals.val_acc     accuracy on the validation set; measured at the run's last
--                   scheduled evaluation only (NULL at the others, and for runs
--                   without a validation set).
-- runs.final_val_acc val_acc of the run's last evaluation (its summary, like
--                   final_test_acc); NULL when it has none.
ALTER TABLE runs ADD COLUMN validation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN final_val_acc REAL;
ALTER TABLE evals ADD COLUMN val_acc REAL;

-- One row per `tracker tune`: its name and its definition (the optimizers, the
-- learning-rate grid, the search and confirm seeds, the target accuracy and the
-- options of every run) as a JSON object, so that `tracker tune --report NAME`
-- can rebuild the tune's configurations and find their runs from the database
-- alone. See docs/tune.md for the keys.
CREATE TABLE tunes (
  name       TEXT PRIMARY KEY,
  settings   TEXT NOT NULL,                     -- JSON
  created_at TEXT NOT NULL                      -- ISO 8601 UTC
);

-- The views of 0003, with the new columns.
DROP VIEW IF EXISTS run_summaries;
CREATE VIEW run_summaries AS
SELECT
  r.seq, r.id, substr(r.id, 1, 8) AS short_id, r.name, r.status, r.optimizer, r.seed,
  r.lr, r.iters, r.batch_size, r.eval_interval, r.momentum, r.adagrad_theta,
  r.decay_rate, r.beta1, r.beta2, r.hidden, r.activation, r.weight_init,
  r.batchnorm, r.dataset,
  r.final_test_acc, r.best_test_acc, r.final_loss, r.learning_start,
  r.learning_margin, r.baseline,
  r.started_at, r.ended_at, r.duration_s,
  (SELECT group_concat(t.key || '=' || t.value, ' ') FROM run_tags AS t WHERE t.run_seq = r.seq)
    AS tags,
  r.validation, r.final_val_acc
FROM runs AS r;

DROP VIEW IF EXISTS accuracy_curves;
CREATE VIEW accuracy_curves AS
SELECT
  r.id AS run_id, substr(r.id, 1, 8) AS short_id, r.optimizer, r.seed, r.lr, r.status,
  e.iter, e.train_acc, e.test_acc, e.val_acc
FROM evals AS e JOIN runs AS r ON r.seq = e.run_seq;
