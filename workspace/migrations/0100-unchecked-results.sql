-- A result may be 'unchecked': its case has no assertions, so nothing says it is right, and it
-- is never counted as passed. SQLite cannot change a CHECK in place: each results table is
-- rebuilt with its rows (and their rowids, the order results are read in) and its triggers.
-- Runs record how many results had no checks and how many had an assertion that could not be
-- evaluated: either keeps a run from passing its gate.

CREATE TABLE run_results_next (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  case_id TEXT NOT NULL,
  repeat INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('passed', 'failed', 'errored', 'unchecked')),
  result TEXT NOT NULL,
  UNIQUE (run_id, case_id, repeat)
);
INSERT INTO run_results_next (rowid, run_id, case_id, repeat, status, result)
  SELECT rowid, run_id, case_id, repeat, status, result FROM run_results ORDER BY rowid;
DROP TRIGGER run_results_immutable_update;
DROP TRIGGER run_results_immutable_delete;
DROP TABLE run_results;
ALTER TABLE run_results_next RENAME TO run_results;
CREATE TRIGGER run_results_immutable_update BEFORE UPDATE ON run_results
BEGIN SELECT RAISE(ABORT, 'run results are immutable'); END;
CREATE TRIGGER run_results_immutable_delete BEFORE DELETE ON run_results
BEGIN SELECT RAISE(ABORT, 'run results are immutable'); END;

CREATE TABLE comparison_results_next (
  comparison_id INTEGER NOT NULL REFERENCES comparisons(id),
  side INTEGER NOT NULL,
  case_id TEXT NOT NULL,
  repeat INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('passed', 'failed', 'errored', 'unchecked')),
  result TEXT NOT NULL,
  UNIQUE (comparison_id, side, case_id, repeat)
);
INSERT INTO comparison_results_next (rowid, comparison_id, side, case_id, repeat, status, result)
  SELECT rowid, comparison_id, side, case_id, repeat, status, result FROM comparison_results ORDER BY rowid;
DROP TRIGGER comparison_results_immutable_update;
DROP TRIGGER comparison_results_immutable_delete;
DROP TABLE comparison_results;
ALTER TABLE comparison_results_next RENAME TO comparison_results;
CREATE TRIGGER comparison_results_immutable_update BEFORE UPDATE ON comparison_results
BEGIN SELECT RAISE(ABORT, 'comparison results are immutable'); END;
CREATE TRIGGER comparison_results_immutable_delete BEFORE DELETE ON comparison_results
BEGIN SELECT RAISE(ABORT, 'comparison results are immutable'); END;

ALTER TABLE runs ADD COLUMN unchecked INTEGER;
ALTER TABLE runs ADD COLUMN unevaluated INTEGER;
