-- 0003: views for the questions users ask in plain SQL (see docs/querying.md).
-- Views hold no data; a later migration may DROP and re-CREATE them.

-- One row per run: its summary, its main hyperparameters and its tags.
-- short_id is the 8-character prefix `tracker list` shows; final_test_acc etc.
-- are NULL while a run is still running. seq joins run_tags, losses and evals
-- (their run_seq).
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
    AS tags
FROM runs AS r;

-- Test (and mini-batch train) accuracy curves, one row per evaluation, with
-- the run's optimizer and seed.
CREATE VIEW accuracy_curves AS
SELECT
  r.id AS run_id, substr(r.id, 1, 8) AS short_id, r.optimizer, r.seed, r.lr, r.status,
  e.iter, e.train_acc, e.test_acc
FROM evals AS e JOIN runs AS r ON r.seq = e.run_seq;

-- Loss curves, one row per iteration (loss NULL where it was NaN/inf).
CREATE VIEW loss_curves AS
SELECT
  r.id AS run_id, substr(r.id, 1, 8) AS short_id, r.optimizer, r.seed, r.lr, r.status,
  l.iter, l.loss
FROM losses AS l JOIN runs AS r ON r.seq = l.run_seq;
