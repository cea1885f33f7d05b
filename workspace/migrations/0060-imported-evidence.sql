-- Runs and comparison reports that arrived in a bundle: evidence made elsewhere, kept as it came
-- and shown as such. They never join the workspace's own runs, so no gate counts another
-- machine's results as if they were made here.
CREATE TABLE imported_evidence (
  id INTEGER PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES agents(id),
  kind TEXT NOT NULL CHECK (kind IN ('run', 'comparison')),
  title TEXT NOT NULL,
  -- JSON array of the semvers it concerns
  versions TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  content TEXT NOT NULL,
  -- JSON: the exporting workspace and author, when it was exported, and the signer's fingerprint
  source TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  UNIQUE (agent_id, sha256)
);
