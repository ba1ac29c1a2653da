-- 0007: where a run came from.
--
-- source  NULL for a run tracker itself trained (`tracker run`, `sweep`, and runs
--         copied between tracker databases by `tracker merge`, which stay the same
--         runs); for a run read by `tracker import`, the program that produced it,
--         e.g. 'import:numpy_reference.py'. Such a run was not trained by this
--         code, so it is never a bit-reproducible tracker run: compare shows it in
--         its own group, and sweep never counts it as a completed configuration.
ALTER TABLE runs ADD COLUMN source TEXT;
