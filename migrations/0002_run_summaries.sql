-- 0002: a summary per finished run, stored in `runs` so that `tracker compare`
-- reads one row per run and never scans the metric tables.
--
-- baseline        share of the most frequent class in the test set: the test
--                 accuracy of always answering that one class (MNIST: 1135 of
--                 10,000 test images are a 1, so 0.1135; Fashion-MNIST: 0.1).
-- learning_margin the margin learning_start was computed with (0.05).
-- learning_start  the first evaluation iteration from which test_acc stays at
--                 or above baseline + learning_margin for the rest of the run;
--                 NULL when there is none (the run never started learning) or
--                 when the baseline is unknown.
-- final_test_acc  test_acc of the run's last evaluation.
-- best_test_acc   the highest test_acc of the run.
-- final_loss      the loss of the run's last iteration (NULL if it was NaN/inf).
--
-- tracker writes these when a run finishes; runs still 'running' have none.
ALTER TABLE runs ADD COLUMN baseline REAL;
ALTER TABLE runs ADD COLUMN learning_margin REAL;
ALTER TABLE runs ADD COLUMN learning_start INTEGER;
ALTER TABLE runs ADD COLUMN final_test_acc REAL;
ALTER TABLE runs ADD COLUMN best_test_acc REAL;
ALTER TABLE runs ADD COLUMN final_loss REAL;

-- Backfill runs recorded before this migration. Their baseline was not stored,
-- but both data sets have fixed, published test sets.
UPDATE runs SET baseline = CASE dataset
  WHEN 'mnist' THEN 0.1135
  WHEN 'fashion-mnist' THEN 0.1
END;

UPDATE runs SET learning_margin = 0.05 WHERE status <> 'running';

-- Same definitions as RunSummary.compute in Sources/TrackerStore (tested to
-- agree): learning starts right after the last evaluation below the threshold.
UPDATE runs SET
  final_test_acc = (
    SELECT e.test_acc FROM evals AS e WHERE e.run_seq = runs.seq ORDER BY e.iter DESC LIMIT 1),
  best_test_acc = (SELECT max(e.test_acc) FROM evals AS e WHERE e.run_seq = runs.seq),
  final_loss = (
    SELECT l.loss FROM losses AS l WHERE l.run_seq = runs.seq ORDER BY l.iter DESC LIMIT 1),
  learning_start = CASE WHEN baseline IS NULL THEN NULL ELSE (
    SELECT min(e.iter) FROM evals AS e
    WHERE e.run_seq = runs.seq
      AND e.iter > coalesce((
        SELECT max(b.iter) FROM evals AS b
        WHERE b.run_seq = runs.seq AND b.test_acc < runs.baseline + runs.learning_margin), -1))
  END
WHERE status <> 'running';

-- `compare` filters on status (completed by default) and optimizer.
CREATE INDEX runs_status_optimizer ON runs (status, optimizer);
