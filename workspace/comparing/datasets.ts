import { z } from 'zod';
import { SlipwayError } from '../../shared/errors';
import { datasetToJsonl, parseDatasetJsonl, type Dataset } from '../../shared/dataset';
import { nodeSha256 } from '../../shared/node/sha256';
import { writeTransaction } from '../../shared/node/sqlite';
import { sql, typed } from '../statements';
import type { Workspace } from '../workspace';
import { appendAudit } from '../audit/audit-log';
import { requireActiveAgent } from '../lookup';
import { RevisionRow, revisioned } from '../revisioned';

const NameRow = z.object({ name: z.string() });

export interface DatasetRevision {
  id: number;
  agent: string;
  name: string;
  revision: number;
  hash: string;
  items: number;
  author: string;
  message: string;
  createdAt: string;
  dataset: Dataset;
}

const DatasetRow = RevisionRow.extend({ items: z.int() });
type DatasetRow = z.infer<typeof DatasetRow>;

const REVISION_SQL = `SELECT dataset_revisions.id, datasets.name, revision, hash, content, items, author, message, dataset_revisions.created_at
  FROM dataset_revisions JOIN datasets ON datasets.id = dataset_revisions.dataset_id`;

function toRevision(agent: string, row: DatasetRow): DatasetRevision {
  return {
    id: row.id,
    agent,
    name: row.name,
    revision: row.revision,
    hash: row.hash,
    items: row.items,
    author: row.author,
    message: row.message,
    createdAt: row.created_at,
    dataset: parseDatasetJsonl(row.content),
  };
}

const datasets = revisioned({
  table: 'datasets',
  row: DatasetRow,
  select: REVISION_SQL,
  noun: 'dataset',
  emptyHint: 'no datasets yet: import one with `slipway dataset import FILE --agent AGENT`, or make one from a suite',
  toValue: toRevision,
});

/** Saves a dataset as its next revision (the first makes it); the same content again is refused. */
export function saveDataset(ws: Workspace, agentName: string, dataset: Dataset, message: string): DatasetRevision {
  const content = datasetToJsonl(dataset);
  const hash = nodeSha256(content);
  return writeTransaction(ws.db, () => {
    const agent = requireActiveAgent(ws, agentName);
    const now = ws.now();
    const { parentId, revision, previous } = datasets.next(ws, agent, dataset.name, hash);
    const author = ws.identity().author;
    const id = Number(
      sql(
        ws.db,
        'INSERT INTO dataset_revisions (dataset_id, revision, hash, content, items, author, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(parentId, revision, hash, content, dataset.items.length, author, message, now).lastInsertRowid,
    );
    appendAudit(ws, {
      action: 'dataset.save',
      agentId: agent.id,
      subject: `${agent.name}/${dataset.name}#${revision}`,
      reason: message,
      before: previous ? { revision: previous } : null,
      after: { revision, hash, items: dataset.items.length },
    });
    return {
      id,
      agent: agent.name,
      name: dataset.name,
      revision,
      hash,
      items: dataset.items.length,
      author,
      message,
      createdAt: now,
      dataset,
    };
  });
}

export const listDatasets = datasets.list;
/** A dataset's latest revision, or a given one. */
export const getDataset = datasets.get;

export function datasetRevisionById(ws: Workspace, id: number): DatasetRevision {
  const row = typed(ws.db, DatasetRow, `${REVISION_SQL} WHERE dataset_revisions.id = ?`).get(id);
  if (!row) throw new SlipwayError('not_found', `no dataset revision ${id}`);
  const agent = typed(
    ws.db,
    NameRow,
    'SELECT agents.name AS name FROM datasets JOIN agents ON agents.id = datasets.agent_id JOIN dataset_revisions ON dataset_revisions.dataset_id = datasets.id WHERE dataset_revisions.id = ?',
  ).one(id);
  return toRevision(agent.name, row);
}
