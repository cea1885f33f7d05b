import type { AgentSummary } from '../shared/contract/agents';
import type { AuditEntry } from '../shared/contract/audit';
import type { LabelMove, LabelState, VersionDetail, VersionDiff, VersionSummary } from '../shared/contract/versions';

/** Human output of the CLI. Pure: each function turns a contract result into text. */

function when(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16);
}

function short(hash: string): string {
  return `sha256:${hash.slice(0, 12)}`;
}

export function formatAgents(agents: AgentSummary[]): string {
  if (agents.length === 0)
    return 'No agents yet. Create one with `slipway agent create NAME`, or load the samples with `slipway init --sample`.';
  return agents
    .map((agent) => {
      const latest = agent.latest ? agent.latest.semver : 'no versions';
      const labels = agent.labels.map((label) => `${label.name}=${label.semver}`).join(' ');
      const flags = [agent.archived ? '(archived)' : '', agent.draftChanged && agent.latest ? '(draft changed)' : '']
        .filter(Boolean)
        .join(' ');
      return [agent.name.padEnd(24), latest.padEnd(12), labels, flags].filter(Boolean).join('  ').trimEnd();
    })
    .join('\n');
}

export function formatLog(versions: VersionSummary[]): string {
  if (versions.length === 0) return 'No versions yet. Snapshot the draft with `slipway snapshot AGENT --from DIR -m MESSAGE`.';
  return versions
    .map((version) => {
      const labels = version.labels.length > 0 ? `  [${version.labels.join(', ')}]` : '';
      return `${version.semver.padEnd(10)} ${when(version.createdAt)}  ${short(version.hash)}  ${version.author}${labels}\n    ${version.message.split('\n').join('\n    ')}`;
    })
    .join('\n');
}

export function formatVersion(version: VersionDetail): string {
  const lines = [
    `${version.agent}@${version.semver}${version.labels.length > 0 ? `  [${version.labels.join(', ')}]` : ''}`,
    `hash     sha256:${version.hash}`,
    `parent   ${version.parent ?? '(none)'}`,
    `author   ${version.author}`,
    `created  ${version.createdAt}`,
    `bump     ${version.bump ?? '(first version)'}`,
    '',
    `    ${version.message.split('\n').join('\n    ')}`,
    '',
    'files:',
    ...version.manifest.map((entry) => `  ${entry.sha256.slice(0, 12)}  ${entry.name}`),
  ];
  return lines.join('\n');
}

export function formatDiff(diff: VersionDiff): string {
  const patches = diff.files.filter((file) => file.status !== 'unchanged').map((file) => file.patch.trimEnd());
  if (patches.length === 0) return `${diff.from} and ${diff.to} are identical.`;
  const summary = [
    `Summary: ${diff.from} → ${diff.to}: ${diff.reason}`,
    ...diff.changes.map((change) => `  ${change.bump.padEnd(5)}  ${change.kind.padEnd(16)}  ${change.summary}`),
  ];
  return [...patches, '', ...summary].join('\n');
}

export function formatLabels(labels: LabelState[]): string {
  if (labels.length === 0) return 'No labels yet. Point one at a version with `slipway label set AGENT LABEL REF --reason WHY`.';
  return labels
    .map((label) => `${label.name.padEnd(16)} ${label.semver.padEnd(10)} moved ${when(label.movedAt)} by ${label.movedBy}`)
    .join('\n');
}

export function formatLabelHistory(moves: LabelMove[]): string {
  if (moves.length === 0) return 'No label moves yet.';
  return moves
    .map(
      (move) =>
        `${when(move.at)}  ${move.label.padEnd(14)} ${(move.from ?? '(new)').padEnd(8)} → ${move.to.padEnd(8)}  ${move.actor}: ${move.reason}`,
    )
    .join('\n');
}

export function formatAudit(entries: AuditEntry[]): string {
  if (entries.length === 0) return 'The audit log is empty.';
  return entries
    .map(
      (entry) =>
        `#${String(entry.id).padEnd(5)} ${when(entry.at)}  ${entry.action.padEnd(18)} ${entry.subject.padEnd(28)} ${entry.actor}${entry.reason ? `: ${entry.reason}` : ''}`,
    )
    .join('\n');
}
