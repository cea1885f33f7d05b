-- Team releases: the members' versions switched together, and the team releases before.
CREATE TABLE teams (
  team TEXT PRIMARY KEY,
  state TEXT NOT NULL
);
