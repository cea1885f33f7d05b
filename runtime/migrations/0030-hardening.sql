-- The runtime made safe to expose. Versions are keyed by agent and hash (two agents may have
-- equal files). A command's idempotency key remembers its scope (agent:A or team:T), a hash of
-- its content and the command itself, so a reused key with another command is refused by name.
-- Tokens can expire and be revoked. Served requests are no longer kept one by one: metrics are
-- aggregated at record time per agent, version, segment and bucket (metric_buckets).

CREATE TABLE versions_by_agent (
  agent TEXT NOT NULL,
  hash TEXT NOT NULL,
  semver TEXT NOT NULL,
  files TEXT NOT NULL,
  uploaded_at TEXT NOT NULL,
  PRIMARY KEY (agent, hash)
);
INSERT INTO versions_by_agent (agent, hash, semver, files, uploaded_at)
  SELECT agent, hash, semver, files, uploaded_at FROM versions;
DROP TABLE versions;
ALTER TABLE versions_by_agent RENAME TO versions;

ALTER TABLE commands RENAME COLUMN agent TO scope;
ALTER TABLE commands ADD COLUMN content TEXT NOT NULL DEFAULT '';
ALTER TABLE commands ADD COLUMN command TEXT NOT NULL DEFAULT '';

ALTER TABLE tokens ADD COLUMN expires_at TEXT;
ALTER TABLE tokens ADD COLUMN revoked_at TEXT;

-- One row per agent, version, segment, bucket width and start: counters and a log-scale latency
-- histogram (index:count pairs by index, comma-separated), in two widths (fine ones for the
-- last hours, ten-minute ones for the whole retention). Reads sum rows; their cost does not
-- grow with traffic.
CREATE TABLE metric_buckets (
  agent TEXT NOT NULL,
  version TEXT NOT NULL,
  segment TEXT NOT NULL DEFAULT '',
  start_ms INTEGER NOT NULL,
  width_ms INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  tool_calls INTEGER NOT NULL,
  assertion_failures INTEGER NOT NULL,
  latency TEXT NOT NULL,
  -- Its quantiles, computed as it is written, so a read at this width parses no histogram.
  latency_p50 REAL,
  latency_p95 REAL,
  latency_p99 REAL,
  PRIMARY KEY (agent, version, segment, width_ms, start_ms)
);
CREATE INDEX metric_buckets_by_agent ON metric_buckets(agent, width_ms, start_ms);
CREATE INDEX metric_buckets_by_age ON metric_buckets(width_ms, start_ms);

-- The requests served before: their counters folded into both widths of buckets (their
-- latencies are not: the histogram starts with the requests served from now on), so a canary's
-- guardrail window holds across the upgrade.
INSERT INTO metric_buckets (agent, version, segment, start_ms, width_ms, requests, errors, input_tokens, output_tokens, cost_usd, tool_calls, assertion_failures, latency)
  SELECT agent, version, '', (at_ms / width) * width, width, count(*), sum(error), sum(input_tokens), sum(output_tokens),
         sum(cost_usd), sum(tool_calls), sum(assertion_failed), ''
  FROM requests, (SELECT 10000 AS width UNION ALL SELECT 600000)
  GROUP BY agent, version, width, at_ms / width;
DROP TABLE requests;

-- Keys from before scopes were named: an agent's keys were stored under its bare name.
UPDATE commands SET scope = 'agent:' || scope WHERE scope NOT LIKE 'team:%';
