-- Suites with their revision history, and runs of a suite against a version with every result.

CREATE TABLE suites (
  id INTEGER PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES agents(id),
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (agent_id, name)
);
CREATE TRIGGER suites_never_deleted BEFORE DELETE ON suites
BEGIN SELECT RAISE(ABORT, 'suites are never deleted'); END;

CREATE TABLE suite_revisions (
  id INTEGER PRIMARY KEY,
  suite_id INTEGER NOT NULL REFERENCES suites(id),
  revision INTEGER NOT NULL,
  hash TEXT NOT NULL,
  content TEXT NOT NULL,
  author TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (suite_id, revision)
);
CREATE TRIGGER suite_revisions_immutable_update BEFORE UPDATE ON suite_revisions
BEGIN SELECT RAISE(ABORT, 'suite revisions are immutable'); END;
CREATE TRIGGER suite_revisions_immutable_delete BEFORE DELETE ON suite_revisions
BEGIN SELECT RAISE(ABORT, 'suite revisions are immutable'); END;

CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES agents(id),
  version_id INTEGER REFERENCES versions(id),
  version_label TEXT NOT NULL,
  version_hash TEXT NOT NULL,
  suite_revision_id INTEGER NOT NULL REFERENCES suite_revisions(id),
  settings TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'cancelled', 'stopped_budget', 'interrupted')),
  actor TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  total INTEGER,
  passed INTEGER,
  pass_rate REAL,
  min_pass_rate REAL,
  gate_passed INTEGER,
  cost_usd REAL,
  cost_known INTEGER
);
CREATE INDEX runs_by_agent ON runs(agent_id, id);
CREATE INDEX runs_by_version ON runs(version_hash);
-- A run is written once more, when it ends; after that it is evidence and never changes.
CREATE TRIGGER runs_immutable_once_ended BEFORE UPDATE ON runs
WHEN OLD.status <> 'running'
BEGIN SELECT RAISE(ABORT, 'a finished run is immutable'); END;
CREATE TRIGGER runs_never_deleted BEFORE DELETE ON runs
BEGIN SELECT RAISE(ABORT, 'runs are never deleted'); END;

CREATE TABLE run_results (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  case_id TEXT NOT NULL,
  repeat INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('passed', 'failed', 'errored')),
  result TEXT NOT NULL,
  UNIQUE (run_id, case_id, repeat)
);
CREATE TRIGGER run_results_immutable_update BEFORE UPDATE ON run_results
BEGIN SELECT RAISE(ABORT, 'run results are immutable'); END;
CREATE TRIGGER run_results_immutable_delete BEFORE DELETE ON run_results
BEGIN SELECT RAISE(ABORT, 'run results are immutable'); END;
