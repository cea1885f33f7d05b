import { FlaskConical, GitCompare, History, PencilLine, Rocket, X } from 'lucide-react';
import { useState } from 'react';
import type { Tab } from '../features/ui/store';
import { useSlice, useStores } from './context';

const STORAGE_KEY = 'slipway.welcome.dismissed';
/** The sample agent the app's first start adds: the welcome walks the loop on it. */
const SAMPLE_AGENT = 'ticket-triage';

const STEPS: Array<{ tab: Tab; icon: typeof PencilLine; title: string; text: string }> = [
  {
    tab: 'editor',
    icon: PencilLine,
    title: 'Edit',
    text: 'Change the prompt or config.yaml; the draft saves as you type. Try runs it on one input.',
  },
  {
    tab: 'history',
    icon: History,
    title: 'Snapshot',
    text: 'Ctrl+S makes an immutable version with a semver; History diffs any two and moves labels.',
  },
  {
    tab: 'tests',
    icon: FlaskConical,
    title: 'Test',
    text: 'Run the sample suite on a version: every case, its checks, and why one failed.',
  },
  {
    tab: 'compare',
    icon: GitCompare,
    title: 'Compare',
    text: 'Two versions on the same inputs: pass rate, latency, tokens and cost, with significance.',
  },
  {
    tab: 'release',
    icon: Rocket,
    title: 'Release',
    text: 'Deploy, canary and roll back on a local runtime with replayed traffic, gated on the tests.',
  },
];

/**
 * The first run explains itself: beside the sample workspace, the loop (edit → snapshot → test →
 * compare → release) with a way into each tab. Closed once, it stays closed in this window.
 */
export function Welcome() {
  const { agents, ui } = useStores();
  const [dismissed, setDismissed] = useState(() => window.localStorage.getItem(STORAGE_KEY) === '1');
  const hasSample = useSlice(agents, (state) => state.agents.some((agent) => agent.name === SAMPLE_AGENT));
  if (dismissed || !hasSample) return null;
  const close = () => {
    window.localStorage.setItem(STORAGE_KEY, '1');
    setDismissed(true);
  };
  return (
    <section className="welcome" aria-labelledby="welcome-title" data-testid="welcome">
      <header>
        <h2 id="welcome-title">Welcome to Slipway</h2>
        <button type="button" className="icon" onClick={close} aria-label="Close the welcome" data-testid="welcome-close">
          <X size={14} aria-hidden />
        </button>
      </header>
      <p className="muted">The sample agents walk the whole loop, offline. Each step opens its tab on {SAMPLE_AGENT}.</p>
      <ol>
        {STEPS.map((step) => (
          <li key={step.tab}>
            <button
              type="button"
              onClick={() => {
                agents.getState().select(SAMPLE_AGENT);
                ui.getState().setTab(step.tab);
              }}
              data-testid={`welcome-${step.tab}`}
            >
              <step.icon size={16} aria-hidden /> {step.title}
            </button>
            <span>{step.text}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
