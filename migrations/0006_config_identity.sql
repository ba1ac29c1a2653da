-- 0006: what makes two runs the same experiment, which data a run saw, and
-- runs that blew up (see docs/querying.md, "Identity, duplicates, blow-ups").
--
-- This migration only adds columns (ALTER TABLE ... ADD COLUMN) and updates rows;
-- the views that show config_key (and `samples`) are created by 0008, once.

-- Data identity: a run's data set is what its fingerprint says, not what
-- --dataset said. The two known fingerprints are pinned in
-- Sources/TrackerEngine/Dataset.swift (DatasetName.known) and tested there;
-- any other data is 'custom'. Runs recorded with a --dataset that contradicted
-- their files (e.g. fashion-mnist on MNIST's files) are relabelled here.
UPDATE runs SET dataset = CASE dataset_hash
  WHEN '3b8bff70dfdc2b86' THEN 'mnist'
  WHEN 'b2f65d04d922e646' THEN 'fashion-mnist'
  ELSE 'custom'
END;

-- config_key: every setting that can change a run's result, as canonical text.
-- Two runs with equal config_key and equal seed are the same sample (training
-- is bit-identical for the same settings and seed). Excludes the seed, name,
-- tags and everything recorded about the environment. The data set counts by
-- its fingerprint (dataset_hash), not its label.
--
-- Numbers are canonical because REAL columns hold doubles: 0.01, 1e-2 and 0.010
-- are one double, which quote() writes one way (the shortest of 15 significant
-- digits when that reads back exactly, else 20). weight_init is text, so its
-- number is read as a double first. A VIRTUAL generated column is computed
-- when read: old runs have it at once, and it can never disagree with the
-- columns (https://sqlite.org/gencol.html). Every column of
-- RunSettings.columns but the seed must appear here (ConfigIdentityTests).
--
-- validation: training images held out as the validation set (`run --validation
-- N`, the last N of the training set whatever the seed); 0, every run before it,
-- is none. It changes what a run learns from, so it is part of the key.
ALTER TABLE runs ADD COLUMN validation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN config_key TEXT GENERATED ALWAYS AS (
  optimizer
  || ' lr=' || quote(lr)
  || ' iters=' || iters
  || ' batch_size=' || batch_size
  || ' eval_interval=' || eval_interval
  || iif(momentum IS NULL, '', ' momentum=' || quote(momentum))
  || iif(adagrad_theta IS NULL, '', ' adagrad_theta=' || quote(adagrad_theta))
  || iif(decay_rate IS NULL, '', ' decay_rate=' || quote(decay_rate))
  || iif(beta1 IS NULL, '', ' beta1=' || quote(beta1))
  || iif(beta2 IS NULL, '', ' beta2=' || quote(beta2))
  || ' hidden=' || hidden
  || ' activation=' || activation
  || ' weight_init='
  || iif(weight_init IN ('he', 'xavier'), weight_init, quote(CAST(weight_init AS REAL)))
  || ' batchnorm=' || batchnorm
  || iif(validation = 0, '', ' validation=' || validation)
  || ' data=' || dataset_hash
) VIRTUAL;

-- sweep's "is this cell done?" and the duplicate look-ups.
CREATE INDEX runs_config_seed ON runs (config_key, seed);

-- Blow-ups: a run whose loss ends far above where it started did not learn,
-- even if its loss never became NaN (the loss is clipped at ln(1e7)). Same
-- definition as BlowUp.check in Sources/TrackerStore (tested to agree): with
-- n the last iteration, the mean loss of iterations n - max(1, n/10) + 1 ... n
-- (the last 10%, at least one; NULL losses left out) is more than twice the
-- loss of iteration 1. Such runs are 'diverged', with diverged_at NULL (no
-- iteration's loss was NaN) and `error` saying why.
WITH losses_of AS (
  SELECT r.seq,
    (SELECT l.loss FROM losses AS l WHERE l.run_seq = r.seq AND l.iter = 1) AS first,
    (SELECT max(l.iter) FROM losses AS l WHERE l.run_seq = r.seq) AS n
  FROM runs AS r WHERE r.status = 'completed'
),
tails AS (
  SELECT o.seq, o.first, max(1, o.n / 10) AS k,
    (SELECT avg(l.loss) FROM losses AS l
     WHERE l.run_seq = o.seq AND l.iter > o.n - max(1, o.n / 10)) AS tail
  FROM losses_of AS o WHERE o.n IS NOT NULL
)
UPDATE runs SET
  status = 'diverged',
  error = printf(
    'blew up: the mean loss of the last %d iterations (%.4g) is more than twice the first iteration''s (%.4g)',
    (SELECT t.k FROM tails AS t WHERE t.seq = runs.seq),
    (SELECT t.tail FROM tails AS t WHERE t.seq = runs.seq),
    (SELECT t.first FROM tails AS t WHERE t.seq = runs.seq))
WHERE seq IN (SELECT t.seq FROM tails AS t WHERE t.tail > 2 * t.first);
