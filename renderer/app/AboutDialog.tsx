import { useEffect, useState } from 'react';
import type { About } from '../../shared/contract/settings';
import { errorMessage } from '../features/agents/store';
import { useStores } from './context';
import { Dialog } from './Dialog';

/** Help ▸ About: every version that matters in a bug report, and where the workspace is, to copy. */
export function AboutDialog() {
  const { client, ui } = useStores();
  const [about, setAbout] = useState<About | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    client.settings
      .about({})
      .then(setAbout)
      .catch((error: unknown) => setProblem(errorMessage(error)));
  }, [client]);
  const close = () => ui.getState().setAboutOpen(false);
  const rows: Array<[string, string]> = about
    ? [
        ['Slipway', about.slipway],
        ['Electron', about.electron ?? 'not in Electron (browser host)'],
        ['Chrome', about.chrome ?? navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? '—'],
        ['Node', about.node],
        ['SQLite', about.sqlite],
        ['better-sqlite3', about.betterSqlite3],
        ['Platform', about.platform],
        ['Workspace', about.workspace],
      ]
    : [];
  const text = rows.map(([name, value]) => `${name}: ${value}`).join('\n');
  return (
    <Dialog title="About Slipway" onClose={close} testId="about-dialog">
      <p>Release engineering for AI agents: versions, suites, comparisons, releases — local-first.</p>
      {problem && <p className="field-error">{problem}</p>}
      <table className="about-table">
        <tbody>
          {rows.map(([name, value]) => (
            <tr key={name}>
              <th>{name}</th>
              <td data-testid={`about-${name.toLowerCase()}`}>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button
          type="button"
          disabled={!about}
          onClick={() => void navigator.clipboard.writeText(text).then(() => ui.getState().notify('Copied the versions', 'info'))}
        >
          Copy
        </button>
        <button type="button" className="primary" onClick={close}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
