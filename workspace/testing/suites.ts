import { stringify } from 'yaml';
import { z } from 'zod';
import { nodeSha256 } from '../../shared/node/sha256';
import { writeTransaction } from '../../shared/node/sqlite';
import type { Suite } from '../../shared/suite';
import { parseSuiteYaml } from '../../shared/suite-file';
import { normalizeLineEndings } from '../../shared/agent-files';
import { sql } from '../statements';
import type { Workspace } from '../workspace';
import { appendAudit } from '../audit/audit-log';
import { requireActiveAgent } from '../lookup';
import { RevisionRow, revisioned } from '../revisioned';

export interface SuiteRevision {
  id: number;
  agent: string;
  name: string;
  revision: number;
  hash: string;
  content: string;
  suite: Suite;
  author: string;
  message: string;
  createdAt: string;
}

type SuiteRow = z.infer<typeof RevisionRow>;

function toRevision(agent: string, row: SuiteRow): SuiteRevision {
  return {
    id: row.id,
    agent,
    name: row.name,
    revision: row.revision,
    hash: row.hash,
    content: row.content,
    suite: parseSuiteYaml(row.content, `${row.name}.yaml`),
    author: row.author,
    message: row.message,
    createdAt: row.created_at,
  };
}

const REVISION_SQL = `SELECT suite_revisions.id, suites.name, revision, hash, content, author, message, suite_revisions.created_at
  FROM suite_revisions JOIN suites ON suites.id = suite_revisions.suite_id`;

const suites = revisioned({
  table: 'suites',
  row: RevisionRow,
  select: REVISION_SQL,
  noun: 'suite',
  emptyHint: 'no suites yet: add one with `slipway suite import FILE --agent AGENT`',
  toValue: toRevision,
});

/** Saves a suite's YAML as its next revision (the first makes the suite). Identical content is refused. */
export function saveSuite(ws: Workspace, agentName: string, yaml: string, message: string, actor?: string): SuiteRevision {
  const content = normalizeLineEndings(yaml);
  const suite = parseSuiteYaml(content);
  const hash = nodeSha256(content);
  return writeTransaction(ws.db, () => {
    const agent = requireActiveAgent(ws, agentName);
    const now = ws.now();
    const { parentId, revision, previous } = suites.next(ws, agent, suite.name, hash);
    const author = actor ?? ws.identity().author;
    const id = Number(
      sql(
        ws.db,
        'INSERT INTO suite_revisions (suite_id, revision, hash, content, author, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(parentId, revision, hash, content, author, message, now).lastInsertRowid,
    );
    appendAudit(ws, {
      action: 'suite.save',
      agentId: agent.id,
      subject: `${agent.name}/${suite.name}#${revision}`,
      reason: message,
      before: previous ? { revision: previous } : null,
      after: { revision, hash, cases: suite.cases.length },
      ...(actor ? { actor } : {}),
    });
    return toRevision(agent.name, { id, name: suite.name, revision, hash, content, author, message, created_at: now });
  });
}

export const listSuites = suites.list;
/** A suite's latest revision, or a given one. */
export const getSuite = suites.get;
export const suiteHistory = suites.history;

/** The YAML a suite is saved as, from its parsed form (imports produce suites, not text). */
export function suiteToYaml(suite: Suite): string {
  return stringify(suite, { lineWidth: 0 });
}
