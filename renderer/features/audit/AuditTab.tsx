import { useEffect, useMemo } from 'react';
import { AUDIT_AREA_NAMES } from '../../../shared/audit-areas';
import { auditRows } from '../../../shared/audit-view';
import { useSlice, useStores } from '../../app/context';
import type { AuditEntry } from '../../../shared/contract/audit';
import { recoverDraft } from '../history/RestoreDialog';
import { AUDIT_ACTIONS } from './store';

/** A restore that replaced changes keeps them in its row; this says whether the row can give them back. */
function replacedDraft(entry: AuditEntry): boolean {
  if (entry.action !== 'draft.reset' && entry.action !== 'draft.recover') return false;
  const before = entry.before;
  return typeof before === 'object' && before !== null && 'files' in before;
}

function RecoverButton({ entry }: { entry: AuditEntry }) {
  const stores = useStores();
  const agent = entry.agent;
  if (!agent || !replacedDraft(entry)) return null;
  return (
    <button
      type="button"
      data-testid={`recover-${entry.id}`}
      onClick={() => void recoverDraft(stores, agent, entry.id).then(() => stores.audit.getState().load())}
    >
      Recover this draft
    </button>
  );
}

function Verification() {
  const { audit } = useStores();
  const verification = useSlice(audit, (state) => state.verification);
  if (!verification) return <span className="badge">not verified</span>;
  return verification.ok ? (
    <span className="badge ok" data-testid="chain-badge">
      Chain intact · {verification.rows} rows
    </span>
  ) : (
    <span className="badge bad" data-testid="chain-badge" title={verification.problem ?? ''}>
      Chain broken at row {verification.firstBadId}: {verification.problem}
    </span>
  );
}

export function AuditTab() {
  const { audit, agents } = useStores();
  const entries = useSlice(audit, (state) => state.entries);
  const rows = useMemo(() => auditRows(entries), [entries]);
  const filters = useSlice(audit, (state) => state.filters);
  const more = useSlice(audit, (state) => state.more);
  const selected = useSlice(agents, (state) => state.selected);
  const firstBadId = useSlice(audit, (state) => state.verification?.firstBadId ?? null);
  const set = (change: Partial<typeof filters>) => void audit.getState().setFilters(change);

  useEffect(() => {
    void audit.getState().load();
    void audit.getState().verify();
  }, [audit]);

  return (
    <div className="audit-tab">
      <div className="audit-filters">
        <select
          value={filters.agent}
          onChange={(event) => set({ agent: event.target.value })}
          aria-label="Agent"
          data-testid="audit-agent"
        >
          <option value="">All agents</option>
          {selected && <option value={selected}>{selected}</option>}
        </select>
        <div className="segmented" role="group" aria-label="Area" data-testid="audit-areas">
          {(['', ...AUDIT_AREA_NAMES] as const).map((area) => (
            <button
              key={area || 'all'}
              type="button"
              aria-pressed={filters.area === area}
              onClick={() => set({ area })}
              data-testid={`audit-area-${area || 'all'}`}
            >
              {area || 'all'}
            </button>
          ))}
        </div>
        <select
          value={filters.action}
          onChange={(event) => set({ action: event.target.value })}
          aria-label="Action"
          data-testid="audit-action"
        >
          <option value="">Any action</option>
          {AUDIT_ACTIONS.map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </select>
        <input
          placeholder="Actor"
          value={filters.actor}
          onChange={(event) => set({ actor: event.target.value })}
          aria-label="Actor"
          data-testid="audit-actor"
        />
        <input type="date" value={filters.since} onChange={(event) => set({ since: event.target.value })} aria-label="From" />
        <input type="date" value={filters.until} onChange={(event) => set({ until: event.target.value })} aria-label="To" />
        <button type="button" onClick={() => void audit.getState().verify()} data-testid="verify-chain">
          Verify chain
        </button>
        <Verification />
      </div>
      {entries.length === 0 ? (
        <p className="empty">Nothing in the audit log matches these filters.</p>
      ) : (
        <table className="audit-table" data-testid="audit-table">
          <thead>
            <tr>
              <th>#</th>
              <th>When</th>
              <th>Action</th>
              <th>Subject</th>
              <th>Actor</th>
              <th>Reason</th>
              <th>Before → after</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ entry, changes, files, answers }) => (
              <tr
                key={entry.id}
                data-testid="audit-row"
                data-action={entry.action}
                className={entry.id === firstBadId ? 'bad-row' : ''}
                title={entry.id === firstBadId ? 'The first row that does not match the chain' : undefined}
              >
                <td>{entry.id}</td>
                <td>{new Date(entry.at).toLocaleString()}</td>
                <td>{entry.action}</td>
                <td>{entry.subject}</td>
                <td>{entry.actor}</td>
                <td>{entry.reason}</td>
                <td className="audit-changes">
                  {changes.length > 0 && (
                    <ul data-testid="audit-changes">
                      {changes.map((change) => (
                        <li key={change.field}>
                          <span className="muted">{change.field}</span> {change.before !== null && <del>{change.before}</del>}
                          {change.before !== null && change.after !== null && ' → '}
                          {change.after !== null && <ins>{change.after}</ins>}
                        </li>
                      ))}
                    </ul>
                  )}
                  {files.length > 0 && (
                    <details data-testid="audit-files">
                      <summary>
                        {files.length} file{files.length === 1 ? '' : 's'}: {files.map((file) => file.name).join(', ')}
                      </summary>
                      {files.map((file) => (
                        <pre key={file.name} className="patch">
                          {file.patch.split('\n').map((line, index) => (
                            <span
                              key={index}
                              className={
                                line.startsWith('+') && !line.startsWith('+++')
                                  ? 'added'
                                  : line.startsWith('-') && !line.startsWith('---')
                                    ? 'removed'
                                    : undefined
                              }
                            >
                              {line}
                              {'\n'}
                            </span>
                          ))}
                        </pre>
                      ))}
                    </details>
                  )}
                  {answers.map((answer) => (
                    <p key={answer.id} className="audit-answer" data-testid="audit-answer">
                      Runtime: {answer.action.slice('runtime.'.length)}
                      {answer.reason ? ` — ${answer.reason}` : ''}{' '}
                      <span className="muted">({answer.subject.replace(/^.* \((event \d+)\)$/, '$1')})</span>
                    </p>
                  ))}
                  <RecoverButton entry={entry} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more && (
        <button type="button" onClick={() => void audit.getState().loadMore()}>
          Older entries
        </button>
      )}
    </div>
  );
}
