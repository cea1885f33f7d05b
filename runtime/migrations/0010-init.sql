-- The reference runtime's state: uploaded versions, each agent's release, commands applied (by
-- idempotency key), events, settings (plan, guardrails, capture, webhooks), tokens (hashes
-- only), the requests it served (for metrics and guardrails) and captured shadow samples.

CREATE TABLE versions (
  hash TEXT PRIMARY KEY,
  agent TEXT NOT NULL,
  semver TEXT NOT NULL,
  files TEXT NOT NULL,
  uploaded_at TEXT NOT NULL
);

CREATE TABLE releases (
  agent TEXT PRIMARY KEY,
  state TEXT NOT NULL
);

CREATE TABLE commands (
  idempotency_key TEXT PRIMARY KEY,
  agent TEXT NOT NULL,
  answer TEXT NOT NULL,
  at TEXT NOT NULL
);

CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  agent TEXT NOT NULL,
  type TEXT NOT NULL,
  actor TEXT NOT NULL,
  detail TEXT NOT NULL
);

CREATE TABLE settings (
  agent TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('plan', 'guardrails', 'capture', 'webhooks')),
  value TEXT NOT NULL,
  PRIMARY KEY (agent, kind)
);

CREATE TABLE tokens (
  hash TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('invoker', 'viewer', 'deployer', 'admin')),
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE requests (
  id INTEGER PRIMARY KEY,
  agent TEXT NOT NULL,
  version TEXT NOT NULL,
  at_ms INTEGER NOT NULL,
  latency_ms REAL NOT NULL,
  error INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  tool_calls INTEGER NOT NULL,
  assertion_failed INTEGER NOT NULL
);
CREATE INDEX requests_by_version ON requests(agent, version, at_ms);

CREATE TABLE samples (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  agent TEXT NOT NULL,
  sample TEXT NOT NULL
);
CREATE INDEX samples_by_agent ON samples(agent, id);
