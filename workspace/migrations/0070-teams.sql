-- Agent teams: agents released together. A team release pins one version of each member and
-- never changes afterwards; membership may change (releases keep the members they pinned).
CREATE TABLE teams (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TRIGGER teams_never_deleted BEFORE DELETE ON teams
BEGIN SELECT RAISE(ABORT, 'teams are never deleted'); END;

CREATE TABLE team_members (
  team_id INTEGER NOT NULL REFERENCES teams(id),
  agent_id INTEGER NOT NULL REFERENCES agents(id),
  PRIMARY KEY (team_id, agent_id)
);

CREATE TABLE team_releases (
  id INTEGER PRIMARY KEY,
  team_id INTEGER NOT NULL REFERENCES teams(id),
  number INTEGER NOT NULL,
  message TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (team_id, number)
);
CREATE TRIGGER team_releases_immutable_update BEFORE UPDATE ON team_releases
BEGIN SELECT RAISE(ABORT, 'team releases are immutable'); END;
CREATE TRIGGER team_releases_immutable_delete BEFORE DELETE ON team_releases
BEGIN SELECT RAISE(ABORT, 'team releases are immutable'); END;

CREATE TABLE team_release_pins (
  release_id INTEGER NOT NULL REFERENCES team_releases(id),
  agent_id INTEGER NOT NULL REFERENCES agents(id),
  version_id INTEGER NOT NULL REFERENCES versions(id),
  PRIMARY KEY (release_id, agent_id)
);
CREATE INDEX team_release_pins_by_version ON team_release_pins(version_id);
CREATE TRIGGER team_release_pins_immutable_update BEFORE UPDATE ON team_release_pins
BEGIN SELECT RAISE(ABORT, 'team releases are immutable'); END;
CREATE TRIGGER team_release_pins_immutable_delete BEFORE DELETE ON team_release_pins
BEGIN SELECT RAISE(ABORT, 'team releases are immutable'); END;
