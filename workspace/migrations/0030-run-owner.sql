-- Which process runs a run (host:pid), so a run left 'running' by a process that died can be
-- told apart from one another process is still running, and marked 'interrupted'.
ALTER TABLE runs ADD COLUMN owner TEXT;
