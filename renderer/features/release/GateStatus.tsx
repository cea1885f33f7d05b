import { useEffect, useState } from 'react';
import type { GateCheck } from '../../../shared/contract/release';
import { gateWarning } from '../../../shared/release/gate-warning';
import { useStores } from '../../app/context';
import { when } from '../../app/format';
import type { AppStores } from '../../app/stores';

/** Starts a gate suite's run on a version and shows it in the Tests tab. */
export function runGateSuite({ tests, ui }: Pick<AppStores, 'tests' | 'ui'>, suite: string, semver: string) {
  void tests
    .getState()
    .selectSuite(suite)
    .then(() => tests.getState().startRun({ ref: semver, suite, concurrency: 4, repeat: 1 }));
  ui.getState().setTab('tests');
}

/** Whether every gate suite's latest run of the version passed (no suites: nothing to warn about). */
export function gateGreen(check: GateCheck | null): boolean {
  return check === null || gateWarning(check) === null;
}

/**
 * Each gate suite's latest run of the version about to be deployed or canaried, read again
 * whenever `refreshKey` changes (the tab's poll), so a run finishing elsewhere turns it green.
 */
export function useGateCheck(agent: string | null, ref: string, refreshKey: unknown): GateCheck | null {
  const { client } = useStores();
  const [check, setCheck] = useState<GateCheck | null>(null);
  useEffect(() => {
    if (!agent || !ref) return;
    let current = true;
    void client.release
      .gate({ agent, ref })
      .then((answer) => current && setCheck(answer))
      .catch(() => current && setCheck(null));
    return () => {
      current = false;
    };
  }, [client, agent, ref, refreshKey]);
  return check;
}

function verdictText(suite: GateCheck['suites'][number]): string {
  const { run } = suite;
  switch (suite.verdict) {
    case 'missing':
      return 'no run';
    case 'running':
      return 'running';
    case 'passed':
    case 'failed':
      return `${suite.verdict} ${run?.passed ?? 0}/${run?.total ?? 0}${run?.finishedAt ? `, ${when(run.finishedAt)}` : ''}`;
  }
}

/** Beside Deploy and Start canary: the version's evidence per gate suite, and a warning when it is red or missing. */
export function GateStatus({ check }: { check: GateCheck | null }) {
  const stores = useStores();
  if (!check || check.suites.length === 0) return null;
  const warning = gateWarning(check);
  return (
    <div className={`gate-status${warning ? ' warn' : ''}`} data-testid="gate-status" role={warning ? 'alert' : undefined}>
      <span className="muted">{check.planned ? 'Eval gate' : 'Eval gate (every suite until a plan names them)'}:</span>
      {check.suites.map((suite) => (
        <span key={suite.suite} className={`gate-suite ${suite.verdict}`} data-testid={`gate-${suite.suite}`}>
          {suite.suite} {verdictText(suite)}
          {suite.verdict !== 'passed' && suite.verdict !== 'running' && (
            <button type="button" className="link" onClick={() => runGateSuite(stores, suite.suite, check.semver)}>
              Run
            </button>
          )}
        </span>
      ))}
      {warning && <p data-testid="gate-warning">{warning}.</p>}
    </div>
  );
}
