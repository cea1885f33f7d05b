-- The version store. Versions, their files, blobs, label moves and audit rows are immutable:
-- the triggers below make the database itself refuse UPDATE and DELETE on them.

CREATE TABLE agents (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  archived_at TEXT
);
CREATE TRIGGER agents_never_deleted BEFORE DELETE ON agents
BEGIN SELECT RAISE(ABORT, 'agents are never deleted: archive them'); END;

-- A rowid table: its rows hold whole files, which WITHOUT ROWID tables store poorly.
CREATE TABLE blobs (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL,
  content TEXT NOT NULL
);
CREATE TRIGGER blobs_immutable_update BEFORE UPDATE ON blobs
BEGIN SELECT RAISE(ABORT, 'blobs are immutable'); END;
CREATE TRIGGER blobs_immutable_delete BEFORE DELETE ON blobs
BEGIN SELECT RAISE(ABORT, 'blobs are immutable'); END;

CREATE TABLE versions (
  id INTEGER PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES agents(id),
  semver TEXT NOT NULL,
  major INTEGER NOT NULL,
  minor INTEGER NOT NULL,
  patch INTEGER NOT NULL,
  hash TEXT NOT NULL,
  -- The canonical manifest (`<sha256>  <name>` lines); hash is its sha256.
  manifest TEXT NOT NULL,
  parent_id INTEGER REFERENCES versions(id),
  author TEXT NOT NULL,
  message TEXT NOT NULL CHECK (length(trim(message)) > 0),
  bump TEXT CHECK (bump IN ('major', 'minor', 'patch')),
  created_at TEXT NOT NULL,
  -- semver is major.minor.patch, so this also makes a semver unique per agent.
  UNIQUE (agent_id, major, minor, patch),
  CHECK (semver = major || '.' || minor || '.' || patch)
);
CREATE TRIGGER versions_immutable_update BEFORE UPDATE ON versions
BEGIN SELECT RAISE(ABORT, 'versions are immutable'); END;
CREATE TRIGGER versions_immutable_delete BEFORE DELETE ON versions
BEGIN SELECT RAISE(ABORT, 'versions are immutable'); END;

CREATE TABLE version_files (
  version_id INTEGER NOT NULL REFERENCES versions(id),
  name TEXT NOT NULL,
  blob_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  PRIMARY KEY (version_id, name)
) WITHOUT ROWID;
CREATE TRIGGER version_files_immutable_update BEFORE UPDATE ON version_files
BEGIN SELECT RAISE(ABORT, 'version files are immutable'); END;
CREATE TRIGGER version_files_immutable_delete BEFORE DELETE ON version_files
BEGIN SELECT RAISE(ABORT, 'version files are immutable'); END;
-- A version's files are exactly the lines of its immutable manifest: nothing else can join it.
CREATE TRIGGER version_files_match_manifest BEFORE INSERT ON version_files
WHEN instr(char(10) || (SELECT manifest FROM versions WHERE id = NEW.version_id), char(10) || NEW.blob_sha256 || '  ' || NEW.name || char(10)) = 0
BEGIN SELECT RAISE(ABORT, 'a version''s files must match its manifest'); END;

CREATE TABLE drafts (
  agent_id INTEGER PRIMARY KEY REFERENCES agents(id),
  parent_id INTEGER REFERENCES versions(id),
  updated_at TEXT NOT NULL
);

CREATE TABLE draft_files (
  agent_id INTEGER NOT NULL REFERENCES agents(id),
  name TEXT NOT NULL,
  content TEXT NOT NULL,
  PRIMARY KEY (agent_id, name)
) WITHOUT ROWID;

CREATE TABLE labels (
  agent_id INTEGER NOT NULL REFERENCES agents(id),
  name TEXT NOT NULL,
  version_id INTEGER NOT NULL REFERENCES versions(id),
  PRIMARY KEY (agent_id, name)
) WITHOUT ROWID;

CREATE TABLE label_moves (
  id INTEGER PRIMARY KEY,
  agent_id INTEGER NOT NULL REFERENCES agents(id),
  label TEXT NOT NULL,
  from_version_id INTEGER REFERENCES versions(id),
  to_version_id INTEGER NOT NULL REFERENCES versions(id),
  actor TEXT NOT NULL,
  reason TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX label_moves_by_label ON label_moves(agent_id, label);
CREATE TRIGGER label_moves_append_only_update BEFORE UPDATE ON label_moves
BEGIN SELECT RAISE(ABORT, 'label history is append-only'); END;
CREATE TRIGGER label_moves_append_only_delete BEFORE DELETE ON label_moves
BEGIN SELECT RAISE(ABORT, 'label history is append-only'); END;

CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  agent_id INTEGER REFERENCES agents(id),
  subject TEXT NOT NULL,
  reason TEXT NOT NULL,
  before TEXT,
  after TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_by_agent ON audit(agent_id, id);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
