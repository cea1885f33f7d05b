-- Release plans as numbered, immutable revisions per agent (they were one value in settings):
-- each save is the next revision, and the Release tab can go back to an earlier one.
CREATE TABLE release_plans (
  id INTEGER PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES agents(id),
  revision INTEGER NOT NULL,
  plan TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (agent_id, revision)
);
CREATE TRIGGER release_plans_immutable_update BEFORE UPDATE ON release_plans
BEGIN SELECT RAISE(ABORT, 'release plan revisions are immutable'); END;
CREATE TRIGGER release_plans_immutable_delete BEFORE DELETE ON release_plans
BEGIN SELECT RAISE(ABORT, 'release plan revisions are immutable'); END;

INSERT INTO release_plans (agent_id, revision, plan, author, created_at)
  SELECT agents.id, 1, settings.value, '(saved before plans had revisions)', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM settings JOIN agents ON settings.key = 'plan:' || agents.name;
DELETE FROM settings WHERE key LIKE 'plan:%';
