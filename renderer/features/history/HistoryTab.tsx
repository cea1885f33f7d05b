import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import type { VersionSummary } from '../../../shared/contract/versions';
import type { Deployment } from '../../../shared/contract/release';
import type { TeamReleaseOfVersion } from '../../../shared/contract/teams';
import { useSlice, useStores } from '../../app/context';
import { CopyLink } from '../../app/copy-link';
import { when } from '../../app/format';
import { ExportDialog } from '../bundles/ExportDialog';
import { EvidenceList } from '../bundles/EvidenceList';
import { DiffView } from './DiffView';
import { LabelDialog } from './LabelDialog';
import { RestoreDialog, restoreDraft } from './RestoreDialog';
import { DRAFT } from './store';
import { usePendingDialog } from '../../app/pending-dialog';

const ROW_HEIGHT = 52;

/** "Ana Lima <ana@example.com>" reads as "Ana Lima" in a row (the address is in its tooltip); an address alone keeps its local part. */
function authorName(author: string): string {
  const name = author.replace(/\s*<[^>]*>\s*$/, '').trim();
  return name || author.replace(/^<?([^@<>]+)@.*$/, '$1');
}

const NONE: never[] = [];

/** Where each version went, by semver: one pass over the answers, not one per row. */
function bySemver<T extends { semver: string | null }>(items: T[]): Map<string | null, T[]> {
  const grouped = new Map<string | null, T[]>();
  for (const item of items) {
    const same = grouped.get(item.semver);
    if (same) same.push(item);
    else grouped.set(item.semver, [item]);
  }
  return grouped;
}

// Memoised: while scrolling, rows already shown keep their DOM and only new ones render.
const VersionRow = memo(function VersionRow({
  agent,
  version,
  selected,
  released,
  inTeams,
  onLabel,
  onRestore,
}: {
  agent: string | null;
  version: VersionSummary;
  selected: boolean;
  released: Deployment[];
  inTeams: TeamReleaseOfVersion[];
  onLabel: (semver: string) => void;
  onRestore: (semver: string) => void;
}) {
  const { history } = useStores();
  return (
    <div className={`timeline-row${selected ? ' selected' : ''}`} data-testid={`version-${version.semver}`}>
      <input
        type="checkbox"
        checked={selected}
        onChange={() => history.getState().toggle(version.semver)}
        aria-label={`Select ${version.semver}`}
      />
      <div className="timeline-main">
        <div className="timeline-title">
          <strong>{version.semver}</strong>
          {version.labels.map((label) => (
            <span key={label} className="badge" data-testid={`badge-${label}`}>
              {label}
            </span>
          ))}
          <span className="timeline-message">{version.message}</span>
        </div>
        <div className="muted">
          <span title={version.author}>{authorName(version.author)}</span> · {when(version.createdAt)} ·{' '}
          <code>{version.hash.slice(0, 10)}</code>
          {version.bump && ` · ${version.bump}`}
        </div>
        {released.length > 0 && (
          <div className="deployments" data-testid={`deployed-${version.semver}`}>
            {released
              .slice(0, 3)
              .map((deployment) => `${deployment.action} on ${deployment.target}, ${when(deployment.at)}`)
              .join(' · ')}
          </div>
        )}
        {inTeams.length > 0 && (
          <div className="deployments" data-testid={`teams-${version.semver}`}>
            in team release{inTeams.length === 1 ? '' : 's'} {inTeams.map((release) => release.name).join(', ')}
          </div>
        )}
      </div>
      <div className="timeline-actions">
        {agent && <CopyLink link={{ kind: 'version', agent, semver: version.semver }} testId={`copy-link-${version.semver}`} />}
        <button type="button" onClick={() => onLabel(version.semver)} data-testid={`move-label-${version.semver}`}>
          Move label…
        </button>
        <button type="button" onClick={() => onRestore(version.semver)} data-testid={`restore-${version.semver}`}>
          Restore
        </button>
      </div>
    </div>
  );
});

export function HistoryTab() {
  const stores = useStores();
  const { history, editor } = stores;
  const versions = useSlice(history, (state) => state.versions);
  const selection = useSlice(history, (state) => state.selection);
  const loading = useSlice(history, (state) => state.loading);
  const moves = useSlice(history, (state) => state.moves);
  const draft = useSlice(editor, (state) => state.draft);
  const [labelFor, setLabelFor] = useState<string | null>(null);
  const [restoring, setRestoring] = useState<string | null>(null);
  const onRestore = useCallback(
    (semver: string) => {
      if (editor.getState().draft?.changed) setRestoring(semver);
      else void restoreDraft(stores, semver);
    },
    [editor, stores],
  );
  const deployments = useSlice(history, (state) => state.deployments);
  const teamReleases = useSlice(history, (state) => state.teamReleases);
  const released = useMemo(() => bySemver(deployments), [deployments]);
  const inTeams = useMemo(() => bySemver(teamReleases), [teamReleases]);
  usePendingDialog('label', (pending) => setLabelFor(pending.semver), versions.length > 0);
  usePendingDialog('restore', (pending) => onRestore(pending.semver), versions.length > 0);
  const [exporting, setExporting] = useState(false);
  const agent = useSlice(history, (state) => state.agent);
  const exportable = useMemo(() => selection.filter((ref) => ref !== DRAFT), [selection]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: versions.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });

  if (!loading && versions.length === 0) {
    return (
      <p className="empty" data-testid="history-empty">
        No versions yet. Edit the draft in the Editor tab, then snapshot it (Ctrl+S) to make 1.0.0.
      </p>
    );
  }
  return (
    <div className="history-tab">
      <div className="history-toolbar">
        <label className="draft-pick">
          <input
            type="checkbox"
            checked={selection.includes(DRAFT)}
            onChange={() => history.getState().toggle(DRAFT)}
            data-testid="select-draft"
          />
          Draft{draft?.changed ? ` (differs from ${draft.parent ?? 'nothing'})` : ''}
        </label>
        <span className="muted">
          {selection.length === 2
            ? `Compare ${selection.join(' and ')}`
            : 'Select two versions, or one and the draft, to compare; any versions to export'}
        </span>
        <button
          type="button"
          className="primary"
          disabled={selection.length !== 2}
          onClick={() => void history.getState().compare()}
          data-testid="compare"
        >
          Compare
        </button>
        <button
          type="button"
          disabled={exportable.length === 0}
          onClick={() => setExporting(true)}
          data-testid="export-versions"
          title="Export the selected versions to a .slipway bundle"
        >
          Export{exportable.length > 0 ? ` ${exportable.length}` : ''}…
        </button>
      </div>
      <DiffView />
      <div className="timeline" ref={scroller} data-testid="timeline">
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const version = versions[item.index];
            if (!version) return null;
            return (
              <div
                key={version.semver}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: item.size,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <VersionRow
                  agent={agent}
                  version={version}
                  released={released.get(version.semver) ?? NONE}
                  inTeams={inTeams.get(version.semver) ?? NONE}
                  selected={selection.includes(version.semver)}
                  onLabel={setLabelFor}
                  onRestore={onRestore}
                />
              </div>
            );
          })}
        </div>
      </div>
      <details className="label-history" data-testid="label-history">
        <summary>Label history ({moves.length})</summary>
        <ul>
          {moves.map((move) => (
            <li key={move.id}>
              <strong>{move.label}</strong> {move.from ?? '(new)'} → {move.to} · {move.actor} · {when(move.at)} — {move.reason}
            </li>
          ))}
        </ul>
      </details>
      {agent && <EvidenceList agent={agent} />}
      {restoring && <RestoreDialog semver={restoring} onClose={() => setRestoring(null)} />}
      {labelFor && <LabelDialog semver={labelFor} onClose={() => setLabelFor(null)} />}
      {exporting && agent && <ExportDialog agent={agent} semvers={exportable} onClose={() => setExporting(false)} />}
    </div>
  );
}
