-- Reading one agent's release history (History shows where each version went) must not scan
-- the whole audit log, which a long-lived workspace makes large.
CREATE INDEX audit_by_agent_action ON audit(agent_id, action);
