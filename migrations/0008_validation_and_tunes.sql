-- 0008: validation splits and tunes (issue 11).
--
-- (runs.validation, the number of training images held out, is added by 0006
-- with the configuration identity it is part of.)
-- evals.val_acc     accuracy on the validation set; measured at the run's last
--                   scheduled evaluation only (NULL at the others, and for runs
--                   without a validation set).
-- runs.final_val_acc val_acc of the run's last evaluation (its summary, like
--                   final_test_acc); NULL when it has none.
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

-- The views, created once with every column up to here: those of 0003 plus
-- config_key, dataset_hash and error (0006), source (0007), validation (0006),
-- final_val_acc and val_acc (0008), and `samples`. 0005 dropped the old ones
-- to rebuild `runs`.
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
  r.config_key, r.dataset_hash, r.error, r.source, r.validation, r.final_val_acc
FROM runs AS r;

-- One row per (config_key, seed): the sample compare counts. Of several
-- completed runs of one configuration and seed (duplicates: a sweep re-run, a
-- run repeated by hand) the earliest recorded (lowest seq) is the sample, so
-- adding a duplicate later never changes an answer. duplicates counts the
-- others.
CREATE VIEW samples AS
SELECT s.*,
  (SELECT count(*) - 1 FROM runs AS d
   WHERE d.config_key = s.config_key AND d.seed = s.seed AND d.status = 'completed')
    AS duplicates
FROM run_summaries AS s
WHERE s.status = 'completed'
  AND s.seq = (
    SELECT min(d.seq) FROM runs AS d
    WHERE d.config_key = s.config_key AND d.seed = s.seed AND d.status = 'completed');

CREATE VIEW accuracy_curves AS
SELECT
  r.id AS run_id, substr(r.id, 1, 8) AS short_id, r.optimizer, r.seed, r.lr, r.status,
  e.iter, e.train_acc, e.test_acc, r.config_key, e.val_acc
FROM evals AS e JOIN runs AS r ON r.seq = e.run_seq;

CREATE VIEW loss_curves AS
SELECT
  r.id AS run_id, substr(r.id, 1, 8) AS short_id, r.optimizer, r.seed, r.lr, r.status,
  l.iter, l.loss, r.config_key
FROM losses AS l JOIN runs AS r ON r.seq = l.run_seq;
