-- Where versions and suite revisions that arrived in a bundle came from. What came from
-- elsewhere is not trusted to run a program, use a key or call a host not used before until
-- the user trusts its origin (or its signer's key): an append-only record, so the trust given
-- and when is part of the history.
CREATE TABLE origins (
  id INTEGER PRIMARY KEY,
  -- The sha256 of the bundle's manifest.json: one bundle, one origin.
  manifest_sha256 TEXT NOT NULL UNIQUE,
  workspace TEXT NOT NULL,
  author TEXT NOT NULL,
  exported_at TEXT NOT NULL,
  -- The fingerprint of the key that signed it, when signed.
  signed_by TEXT,
  imported_at TEXT NOT NULL
);
CREATE TABLE origin_trust (
  origin_id INTEGER PRIMARY KEY REFERENCES origins(id),
  trusted_at TEXT NOT NULL,
  trusted_by TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE TABLE version_origins (
  version_id INTEGER PRIMARY KEY REFERENCES versions(id),
  origin_id INTEGER NOT NULL REFERENCES origins(id)
);
CREATE TABLE suite_revision_origins (
  suite_revision_id INTEGER PRIMARY KEY REFERENCES suite_revisions(id),
  origin_id INTEGER NOT NULL REFERENCES origins(id)
);
CREATE TRIGGER origins_immutable BEFORE UPDATE ON origins
BEGIN SELECT RAISE(ABORT, 'origins are immutable'); END;
CREATE TRIGGER origin_trust_immutable BEFORE UPDATE ON origin_trust
BEGIN SELECT RAISE(ABORT, 'trust given is kept as given'); END;
