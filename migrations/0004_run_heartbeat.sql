-- 0004: a heartbeat per run, so that a run whose process died without
-- finishing (kill -9, power loss, OOM killer) does not look alive forever.
--
-- heartbeat_at  ISO 8601 UTC (like started_at): when the run's process last
--               wrote metrics. tracker updates it in every metric flush (about
--               once a second while a run trains) and when the run finishes.
--
-- A run still 'running' is abandoned when its process is gone: on the same
-- host, its pid is no longer alive; on another host, it has had no heartbeat
-- for 10 minutes. tracker list/show/compare/delete and sweep then mark it
-- 'interrupted' (RunStore.markAbandonedRuns; see docs/robustness.md).
ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;

-- Runs recorded before this migration: their last sign of life is their end,
-- or for runs still 'running', their start.
UPDATE runs SET heartbeat_at = coalesce(ended_at, started_at);
