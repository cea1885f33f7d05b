-- Datasets of sample inputs (with revisions) and comparisons of versions on them, with every
-- result, each case's verdict and the aggregate statistics.

CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES agents(id),
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (agent_id, name)
);
CREATE TRIGGER datasets_never_deleted BEFORE DELETE ON datasets
BEGIN SELECT RAISE(ABORT, 'datasets are never deleted'); END;

CREATE TABLE dataset_revisions (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id),
  revision INTEGER NOT NULL,
  hash TEXT NOT NULL,
  content TEXT NOT NULL,
  items INTEGER NOT NULL,
  author TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (dataset_id, revision)
);
CREATE TRIGGER dataset_revisions_immutable_update BEFORE UPDATE ON dataset_revisions
BEGIN SELECT RAISE(ABORT, 'dataset revisions are immutable'); END;
CREATE TRIGGER dataset_revisions_immutable_delete BEFORE DELETE ON dataset_revisions
BEGIN SELECT RAISE(ABORT, 'dataset revisions are immutable'); END;

CREATE TABLE comparisons (
  id INTEGER PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES agents(id),
  dataset_revision_id INTEGER NOT NULL REFERENCES dataset_revisions(id),
  suite_revision_id INTEGER REFERENCES suite_revisions(id),
  -- [{ ref, version, hash }], the baseline first.
  refs TEXT NOT NULL,
  settings TEXT NOT NULL,
  seed INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'cancelled', 'interrupted')),
  actor TEXT NOT NULL,
  owner TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  stats TEXT
);
CREATE INDEX comparisons_by_agent ON comparisons(agent_id, id);
CREATE TRIGGER comparisons_immutable_once_ended BEFORE UPDATE ON comparisons
WHEN OLD.status <> 'running'
BEGIN SELECT RAISE(ABORT, 'a finished comparison is immutable'); END;
CREATE TRIGGER comparisons_never_deleted BEFORE DELETE ON comparisons
BEGIN SELECT RAISE(ABORT, 'comparisons are never deleted'); END;

CREATE TABLE comparison_results (
  comparison_id INTEGER NOT NULL REFERENCES comparisons(id),
  side INTEGER NOT NULL,
  case_id TEXT NOT NULL,
  repeat INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('passed', 'failed', 'errored')),
  result TEXT NOT NULL,
  UNIQUE (comparison_id, side, case_id, repeat)
);
CREATE TRIGGER comparison_results_immutable_update BEFORE UPDATE ON comparison_results
BEGIN SELECT RAISE(ABORT, 'comparison results are immutable'); END;
CREATE TRIGGER comparison_results_immutable_delete BEFORE DELETE ON comparison_results
BEGIN SELECT RAISE(ABORT, 'comparison results are immutable'); END;

-- Each case's verdict against the baseline, written once when the comparison ends.
CREATE TABLE comparison_rows (
  comparison_id INTEGER NOT NULL REFERENCES comparisons(id),
  candidate INTEGER NOT NULL,
  position INTEGER NOT NULL,
  case_id TEXT NOT NULL,
  verdict TEXT NOT NULL,
  row TEXT NOT NULL,
  PRIMARY KEY (comparison_id, candidate, position)
);
CREATE TRIGGER comparison_rows_immutable_update BEFORE UPDATE ON comparison_rows
BEGIN SELECT RAISE(ABORT, 'comparison rows are immutable'); END;
CREATE TRIGGER comparison_rows_immutable_delete BEFORE DELETE ON comparison_rows
BEGIN SELECT RAISE(ABORT, 'comparison rows are immutable'); END;
