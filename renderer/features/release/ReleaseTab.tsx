import { useEffect, useState } from 'react';
import type { Guardrails, ReleasePlan, RuntimeEvent } from '../../../shared/release/protocol';
import { formatCost, formatMs, when } from '../../app/format';
import { useSlice, useStores } from '../../app/context';
import { Dialog, DialogActions } from '../../app/Dialog';
import { useLoaded } from '../../app/use-loaded';
import { RefOptions } from '../history/RefOptions';
import { useKeptText } from '../../app/kept-text';
import { POLL_MS } from './store';
import { usePendingDialog } from '../../app/pending-dialog';
import { TargetName } from '../../../shared/contract/release';
import { nameProblem } from '../../../shared/names';
import { TeamPanel } from '../teams/TeamPanel';
import { GateStatus, gateGreen, runGateSuite, useGateCheck } from './GateStatus';

const loadCharts = () => import('./ReleaseCharts');
const DEFAULT_STEPS = '5, 25, 50, 100';

function TargetDialog({ onClose }: { onClose: () => void }) {
  const { release } = useStores();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('http://127.0.0.1:8080');
  const [label, setLabel] = useState('production');
  const [token, setToken] = useState('');
  const nameError = name === '' ? null : nameProblem(TargetName, name);
  const urlError = url === '' || /^https?:\/\/.+/.test(url) ? null : 'the URL of the runtime, http(s)://…';
  const valid = name !== '' && nameError === null && url !== '' && urlError === null;
  return (
    <Dialog title="Add a runtime target" onClose={onClose} testId="target-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (valid)
            void release
              .getState()
              .saveTarget({ name, url, label, ...(token ? { token } : {}) })
              .then((done) => done && onClose());
        }}
      >
        <label>
          Name
          <input
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder="prod-eu"
            aria-invalid={nameError !== null}
            data-testid="target-name"
          />
        </label>
        {nameError && <p className="field-error">{nameError}</p>}
        <label>
          URL
          <input
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            aria-invalid={urlError !== null}
            data-testid="target-url"
          />
        </label>
        {urlError && <p className="field-error">{urlError}</p>}
        <label>
          The label it serves
          <input value={label} onChange={(event) => setLabel(event.target.value)} />
        </label>
        <label>
          Token (kept in the key store; never shown again)
          <input
            type="password"
            autoComplete="off"
            value={token}
            onChange={(event) => setToken(event.target.value)}
            data-testid="target-token"
          />
        </label>
        <DialogActions onCancel={onClose} disabled={!valid} submitTestId="target-save" submitLabel="Save target" />
      </form>
    </Dialog>
  );
}

/** `stable`: where a plain rollback goes (the stable under a canary, or the one before); null when there is none. */
function RollbackDialog({ stable, onClose }: { stable: string | null; onClose: () => void }) {
  const { release } = useStores();
  const [reason, setReason, forgetReason] = useKeptText(`rollback:${release.getState().agent ?? ''}`);
  // Empty: the previous stable version; else any version of the agent (uploaded first).
  const [to, setTo] = useState('');
  const target = to || stable;
  const ready = reason.trim() !== '' && target !== null;
  return (
    <Dialog title="Roll back" onClose={onClose} testId="rollback-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (ready)
            void release
              .getState()
              .act({ type: 'rollback', reason, ...(to ? { to } : {}) })
              .then((done) => {
                if (!done) return;
                forgetReason();
                onClose();
              });
        }}
      >
        <p className="confirmation">
          {target
            ? `All traffic goes to ${target} at once; a canary stops taking requests as soon as the runtime answers.`
            : 'There is no earlier stable version to go back to: choose the version to serve.'}
        </p>
        <label>
          Back to
          <select value={to} onChange={(event) => setTo(event.target.value)} data-testid="rollback-to">
            <option value="">{stable ? `the previous stable version (${stable})` : 'choose a version'}</option>
            <RefOptions />
          </select>
        </label>
        <label>
          Why?
          <textarea
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            rows={2}
            autoFocus
            data-testid="rollback-reason"
          />
        </label>
        <DialogActions
          onCancel={onClose}
          disabled={!ready}
          submitTestId="rollback-confirm"
          submitLabel={target ? `Roll back to ${target}` : 'Roll back'}
        />
      </form>
    </Dialog>
  );
}

function describeEvent(event: RuntimeEvent): string {
  const detail = event.detail as Record<string, unknown>;
  const semver = (value: unknown) =>
    value && typeof value === 'object' && 'semver' in value ? String((value as { semver: unknown }).semver) : '';
  switch (event.type) {
    case 'guardrail-tripped':
      return `guardrail tripped on ${semver(detail.version)}: ${String(detail.metric)} ${Number(detail.value).toFixed(3)} > ${String(detail.threshold)}`;
    case 'rolled-back':
      return `rolled back from ${semver(detail.from)} to ${semver(detail.to)}: ${String(detail.reason ?? '')}`;
    case 'canary-started':
      return `canary ${semver(detail.version)} at ${String(detail.weight)}%`;
    case 'weight-set':
      return `canary ${semver(detail.version)} ${String(detail.from)}% → ${String(detail.to)}%`;
    case 'step-advanced':
      return `plan advanced ${semver(detail.version)} to ${String(detail.weight)}%`;
    case 'team-released':
      return `team ${String(detail.team)} released ${String(detail.release ?? '')}: ${semver(detail.version)}`;
    case 'team-rolled-back':
      return `team ${String(detail.team)} rolled back to ${String(detail.release ?? '')}: ${semver(detail.version)} — ${String(detail.reason ?? '')}`;
    case 'promoted':
    case 'deployed':
    case 'uploaded':
      return `${event.type} ${semver(detail.version)}`;
    default:
      return event.type;
  }
}

/** Which saved revision of the plan the editor shows; an earlier one can be loaded and saved again. */
function PlanRevisions({ picked, onPick }: { picked: number | null; onPick: (revision: number | null) => void }) {
  const { release } = useStores();
  const plans = useSlice(release, (state) => state.plans);
  const latest = plans[0];
  if (!latest) return <p className="muted">No plan saved yet: the editor shows the runtime's plan, or the defaults.</p>;
  const shown = plans.find((candidate) => candidate.revision === picked) ?? latest;
  return (
    <p className="muted inline" data-testid="plan-revision">
      Plan revision {shown.revision}
      {shown === latest ? ' (latest)' : ` (latest is ${latest.revision}; saving makes this the next)`} by {shown.author},{' '}
      {when(shown.createdAt)}
      {plans.length > 1 && (
        <select
          value={shown.revision}
          onChange={(event) => onPick(Number(event.target.value) === latest.revision ? null : Number(event.target.value))}
          aria-label="Plan revision"
          data-testid="plan-revisions"
        >
          {plans.map((revision) => (
            <option key={revision.revision} value={revision.revision}>
              revision {revision.revision} — {revision.author}
            </option>
          ))}
        </select>
      )}
    </p>
  );
}

function PlanEditor({
  plan,
  suites,
  onSave,
}: {
  plan: ReleasePlan | null;
  suites: string[];
  onSave: (plan: ReleasePlan) => void;
}) {
  // With suites and no plan yet, the gate starts on: every suite must have passed.
  const [gate, setGate] = useState<string[]>(plan?.gate.suites ?? suites);
  const [steps, setSteps] = useState((plan?.steps ?? []).map((step) => step.weight).join(', ') || DEFAULT_STEPS);
  const [holdMinutes, setHoldMinutes] = useState(String((plan?.steps[0]?.holdMs ?? 600_000) / 60_000));
  const [autoAdvance, setAutoAdvance] = useState(plan?.autoAdvance ?? false);
  const [shadowShare, setShadowShare] = useState(plan?.shadow ? String(plan.shadow.share) : '');
  const weights = steps.split(',').map((part) => Number(part.trim()));
  const valid = weights.every((weight) => weight > 0 && weight <= 100) && Number(holdMinutes) >= 0;
  return (
    <form
      className="plan-editor"
      onSubmit={(event) => {
        event.preventDefault();
        if (!valid) return;
        const holdMs = Math.round(Number(holdMinutes) * 60_000);
        onSave({
          gate: { suites: gate, attestations: [] },
          steps: weights.map((weight) => ({ weight, holdMs })),
          autoAdvance,
          assertions: [],
          ...(shadowShare ? { shadow: { share: Number(shadowShare), durationMs: holdMs } } : {}),
        });
      }}
    >
      <h4>Release plan</h4>
      <fieldset>
        <legend>Eval gate: suites the canary must have passed</legend>
        {suites.length === 0 && <span className="muted">This agent has no suites.</span>}
        {suites.map((suite) => (
          <label key={suite} className="inline">
            <input
              type="checkbox"
              checked={gate.includes(suite)}
              onChange={(event) => setGate(event.target.checked ? [...gate, suite] : gate.filter((name) => name !== suite))}
            />{' '}
            {suite}
          </label>
        ))}
      </fieldset>
      <label>
        Steps (%)
        <input value={steps} onChange={(event) => setSteps(event.target.value)} data-testid="plan-steps" />
      </label>
      <label>
        Hold each step (minutes)
        <input value={holdMinutes} onChange={(event) => setHoldMinutes(event.target.value)} inputMode="decimal" />
      </label>
      <label>
        Shadow phase first (share %, blank for none)
        <input value={shadowShare} onChange={(event) => setShadowShare(event.target.value)} inputMode="decimal" />
      </label>
      <label className="inline">
        <input type="checkbox" checked={autoAdvance} onChange={(event) => setAutoAdvance(event.target.checked)} /> Advance on its
        own when a step held healthy
      </label>
      <button type="submit" disabled={!valid} data-testid="plan-save">
        Save plan
      </button>
    </form>
  );
}

function GuardrailsEditor({ guardrails, onSave }: { guardrails: Guardrails | null; onSave: (guardrails: Guardrails) => void }) {
  const [errorRate, setErrorRate] = useState(
    guardrails?.maxErrorRate !== undefined ? String(guardrails.maxErrorRate * 100) : '5',
  );
  const [p95, setP95] = useState(guardrails?.maxP95LatencyMs !== undefined ? String(guardrails.maxP95LatencyMs) : '');
  const [minRequests, setMinRequests] = useState(String(guardrails?.minRequests ?? 20));
  const [windowSeconds, setWindowSeconds] = useState(String((guardrails?.windowMs ?? 60_000) / 1000));
  return (
    <form
      className="plan-editor"
      onSubmit={(event) => {
        event.preventDefault();
        onSave({
          ...(errorRate ? { maxErrorRate: Number(errorRate) / 100 } : {}),
          ...(p95 ? { maxP95LatencyMs: Number(p95) } : {}),
          assertions: guardrails?.assertions ?? [],
          minRequests: Number(minRequests) || 1,
          windowMs: Math.max(100, Number(windowSeconds) * 1000),
        });
      }}
    >
      <h4>Guardrails (roll back on their own)</h4>
      <label>
        Max error rate (%)
        <input
          value={errorRate}
          onChange={(event) => setErrorRate(event.target.value)}
          inputMode="decimal"
          data-testid="guardrail-error-rate"
        />
      </label>
      <label>
        Max p95 latency (ms)
        <input value={p95} onChange={(event) => setP95(event.target.value)} inputMode="decimal" />
      </label>
      <label>
        Judge after (requests)
        <input
          value={minRequests}
          onChange={(event) => setMinRequests(event.target.value)}
          inputMode="numeric"
          data-testid="guardrail-min-requests"
        />
      </label>
      <label>
        Window (seconds)
        <input
          value={windowSeconds}
          onChange={(event) => setWindowSeconds(event.target.value)}
          inputMode="numeric"
          data-testid="guardrail-window"
        />
      </label>
      <button type="submit" data-testid="guardrails-save">
        Save guardrails
      </button>
    </form>
  );
}

/** The Release tab: what serves what on a target, and every control a release needs. */
export function ReleaseTab() {
  const { release, tests, ui } = useStores();
  const targets = useSlice(release, (state) => state.targets);
  const target = useSlice(release, (state) => state.target);
  const view = useSlice(release, (state) => state.view);
  const metrics = useSlice(release, (state) => state.metrics);
  const events = useSlice(release, (state) => state.events);
  const local = useSlice(release, (state) => state.local);
  const busy = useSlice(release, (state) => state.busy);
  const notice = useSlice(release, (state) => state.notice);
  const teamBreak = useSlice(release, (state) => state.teamBreak);
  const agent = useSlice(release, (state) => state.agent);
  const suites = useSlice(tests, (state) => state.suites);
  const Charts = useLoaded(loadCharts);
  const [dialog, setDialog] = useState<'target' | 'rollback' | null>(null);
  usePendingDialog('rollback', () => setDialog('rollback'), Boolean(view?.state?.stable));
  const [ref, setRef] = useState('latest');
  const [weight, setWeight] = useState(5);
  const [steps, setSteps] = useState(DEFAULT_STEPS);
  // Back on the tab while traffic replays, the field shows the dataset it replays.
  const [trafficDataset, setTrafficDataset] = useState(local?.traffic?.dataset ?? '');
  const plans = useSlice(release, (state) => state.plans);
  /** An earlier plan revision loaded into the editor (saving it makes it the next revision). */
  const [picked, setPicked] = useState<number | null>(null);
  const shownPlan = plans.find((candidate) => candidate.revision === picked) ?? plans[0] ?? null;
  const [rate, setRate] = useState(20);
  const gate = useGateCheck(agent, ref, view);
  const green = gateGreen(gate);

  useEffect(() => {
    const timer = setInterval(() => void release.getState().refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [release]);
  useEffect(() => {
    if (agent && tests.getState().agent !== agent) void tests.getState().load(agent);
  }, [agent, tests]);

  const state = view?.state ?? null;
  const canary = state?.canary ?? null;
  const stableShare = canary ? 100 - canary.weight : 100;
  const weights = steps
    .split(',')
    .map((part) => Number(part.trim()))
    .filter((value) => value > 0 && value <= 100);

  return (
    <div className="release-tab" data-testid="release-tab">
      <div className="release-toolbar">
        <label>
          Target
          <select
            value={target ?? ''}
            onChange={(event) => void release.getState().selectTarget(event.target.value)}
            data-testid="release-target"
          >
            {targets.length === 0 && <option value="">no targets</option>}
            {targets.map((candidate) => (
              <option key={candidate.name} value={candidate.name}>
                {candidate.name} ({candidate.url}){candidate.tokenSet ? '' : ' — no token'}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setDialog('target')} data-testid="add-target">
          Add target…
        </button>
        {local?.running ? (
          <button type="button" onClick={() => void release.getState().stopLocal()} disabled={busy}>
            Stop the local runtime
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            onClick={() => void release.getState().startLocal()}
            disabled={busy}
            data-testid="start-local"
          >
            Try it locally
          </button>
        )}
        {local?.running && (
          <form
            className="inline"
            onSubmit={(event) => {
              event.preventDefault();
              void release.getState().setTraffic(trafficDataset, local.traffic ? 0 : rate);
            }}
          >
            <input
              value={trafficDataset}
              onChange={(event) => setTrafficDataset(event.target.value)}
              placeholder="dataset"
              aria-label="Dataset to replay"
              data-testid="traffic-dataset"
            />
            <input
              type="number"
              min={1}
              max={200}
              value={rate}
              onChange={(event) => setRate(Number(event.target.value) || 1)}
              aria-label="Requests a second"
              data-testid="traffic-rate"
            />
            <button type="submit" disabled={!local.traffic && !trafficDataset} data-testid="traffic-toggle">
              {local.traffic ? `Stop traffic (${local.traffic.sent} sent, ${local.traffic.failed} failed)` : 'Replay traffic'}
            </button>
          </form>
        )}
      </div>
      {notice && <p className="notice">{notice}</p>}
      {agent && <TeamPanel agent={agent} target={target} generation={view?.state?.generation ?? null} />}
      {!target ? (
        <div className="empty-state" data-testid="release-empty">
          <h2>Release to a runtime</h2>
          <p>
            Add a target (a runtime's URL and token), or try the whole flow offline: a local runtime on this machine, with traffic
            replayed from a dataset.
          </p>
        </div>
      ) : (
        <div className="release-body">
          {view && !view.reachable && (
            <div className="notice" role="alert" data-testid="release-unreachable">
              Cannot reach {target}
              {view.lastContact ? ` since ${when(view.lastContact)}` : ''}: {view.problem}.{' '}
              {state ? 'Showing the last known state.' : ''}{' '}
              <button type="button" onClick={() => void release.getState().refresh()}>
                Retry
              </button>
            </div>
          )}
          <section className="split" data-testid="release-split">
            <div className="split-bar" role="img" aria-label={`stable ${stableShare}%, canary ${canary?.weight ?? 0}%`}>
              <div className="stable" style={{ width: `${stableShare}%` }}>
                {state?.stable ? `${state.stable.semver} · ${stableShare}%` : 'nothing deployed'}
              </div>
              {canary && canary.weight > 0 && (
                <div className="canary" style={{ width: `${canary.weight}%` }} data-testid="split-canary">
                  {canary.semver} · {canary.weight}%
                </div>
              )}
            </div>
            <p className="muted">
              {state?.shadow ? `Shadow: ${state.shadow.semver} mirrors ${state.shadow.share}% of requests. ` : ''}
              {state ? `Generation ${state.generation}` : ''}
              {canary && state?.paused ? ' · paused' : ''}
            </p>
          </section>
          {teamBreak && (
            <div className="field-error team-break" role="alert" data-testid="team-break">
              <p>{teamBreak.message}</p>
              <div className="row">
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => void release.getState().act(teamBreak.action, true)}
                  data-testid="team-break-leave"
                >
                  Release anyway — leave the team release
                </button>
                <button type="button" onClick={() => release.getState().dismissTeamBreak()}>
                  Cancel
                </button>
              </div>
            </div>
          )}
          <section className="release-controls">
            {!state?.stable ? (
              <form
                className="inline"
                onSubmit={(event) => {
                  event.preventDefault();
                  void release.getState().act({ type: 'deploy', ref });
                }}
              >
                <select
                  value={ref}
                  onChange={(event) => setRef(event.target.value)}
                  aria-label="Version"
                  data-testid="release-ref"
                >
                  <RefOptions />
                </select>
                <button type="submit" className={green ? 'primary' : 'danger'} disabled={busy} data-testid="release-deploy">
                  {green ? 'Deploy' : 'Deploy anyway'}
                </button>
                <GateStatus check={gate} />
              </form>
            ) : !canary ? (
              <form
                className="inline"
                onSubmit={(event) => {
                  event.preventDefault();
                  void release.getState().act({ type: 'canary', ref, weight });
                }}
              >
                <select
                  value={ref}
                  onChange={(event) => setRef(event.target.value)}
                  aria-label="Version"
                  data-testid="release-ref"
                >
                  <RefOptions />
                </select>
                <input
                  type="number"
                  min={1}
                  max={100}
                  value={weight}
                  onChange={(event) => setWeight(Number(event.target.value) || 1)}
                  aria-label="Canary weight"
                />
                <button type="submit" className={green ? 'primary' : 'danger'} disabled={busy} data-testid="release-canary">
                  {green ? 'Start canary' : 'Start canary anyway'}
                </button>
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => void release.getState().act({ type: 'shadow', ref, share: weight })}
                >
                  Shadow it instead
                </button>
                <GateStatus check={gate} />
              </form>
            ) : (
              <div className="inline">
                <span className="stepper" data-testid="release-stepper">
                  {weights.map((step) => (
                    <button
                      key={step}
                      type="button"
                      aria-pressed={canary.weight === step}
                      disabled={busy}
                      onClick={() => void release.getState().act({ type: 'step', weight: step })}
                      data-testid={`step-${step}`}
                    >
                      {step}%
                    </button>
                  ))}
                </span>
                <input
                  value={steps}
                  onChange={(event) => setSteps(event.target.value)}
                  aria-label="Steps"
                  className="steps-input"
                />
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => void release.getState().act({ type: 'promote' })}
                  data-testid="release-promote"
                >
                  Promote
                </button>
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => void release.getState().act({ type: state.paused ? 'resume' : 'pause' })}
                >
                  {state.paused ? 'Resume' : 'Pause'}
                </button>
              </div>
            )}
            {(canary || state?.stable) && (
              <button
                type="button"
                className="danger big"
                disabled={busy}
                onClick={() => setDialog('rollback')}
                data-testid="release-rollback"
              >
                Roll back
              </button>
            )}
            {state?.shadow && (
              <>
                <button type="button" disabled={busy} onClick={() => void release.getState().act({ type: 'shadow-off' })}>
                  Stop shadowing
                </button>
                <button
                  type="button"
                  disabled={busy}
                  onClick={() =>
                    void release.getState().pullSamples(`shadow-${state.shadow?.semver.replace(/\./g, '-') ?? 'samples'}`)
                  }
                >
                  Samples → dataset
                </button>
              </>
            )}
          </section>
          {view && view.gateMissing.length > 0 && canary && (
            <p className="notice" data-testid="gate-missing">
              The eval gate needs a passing run of {view.gateMissing.join(', ')} for {canary.semver}.{' '}
              {view.gateMissing.map((suite) => (
                <button key={suite} type="button" onClick={() => runGateSuite({ tests, ui }, suite, canary.semver)}>
                  Run {suite}
                </button>
              ))}
            </p>
          )}
          {view?.progress && view.plan && (
            <section className="plan-progress" data-testid="plan-progress">
              <strong>Plan:</strong>{' '}
              {view.progress.step < 0
                ? 'shadow phase'
                : `step ${view.progress.step + 1} of ${view.plan.steps.length} (${view.plan.steps[view.progress.step]?.weight ?? '?'}%)`}{' '}
              · held {formatMs(view.progress.heldMs)} of {formatMs(view.progress.holdMs)}
              {view.plan.autoAdvance ? ' · advances on its own' : ' · advance by hand'}
            </section>
          )}
          {view?.window && view.guardrails && (
            <p className="muted" data-testid="release-window">
              Canary in the last {Math.round(view.guardrails.windowMs / 1000)} s: {view.window.requests} requests, error rate{' '}
              {(view.window.errorRate * 100).toFixed(1)}%
              {view.guardrails.maxErrorRate !== undefined
                ? ` (trips above ${(view.guardrails.maxErrorRate * 100).toFixed(1)}%)`
                : ''}
              , p95 {formatMs(view.window.p95LatencyMs)}
              {view.guardrails.maxP95LatencyMs !== undefined ? ` (trips above ${formatMs(view.guardrails.maxP95LatencyMs)})` : ''}
              , cost {formatCost(view.window.costPerRequestUsd)} a request
              {view.window.requests < view.guardrails.minRequests
                ? ` — judged after ${view.guardrails.minRequests} requests`
                : ''}
            </p>
          )}
          {metrics && metrics.buckets.length > 0 && Charts && <Charts metrics={metrics} />}
          <div className="release-columns">
            <section>
              <h4>Events</h4>
              <ol className="timeline-events" data-testid="release-events">
                {events.length === 0 && <li className="muted">No events yet.</li>}
                {events.map((event) => (
                  <li
                    key={event.id}
                    className={event.type === 'guardrail-tripped' || event.type === 'rolled-back' ? 'bad' : undefined}
                  >
                    <span className="muted">{new Date(event.at).toLocaleTimeString()}</span> {describeEvent(event)}{' '}
                    <span className="muted">— {event.actor}</span>
                  </li>
                ))}
              </ol>
            </section>
            <section>
              <PlanRevisions picked={picked} onPick={setPicked} />
              <PlanEditor
                key={`plan-${target}-${shownPlan?.revision ?? 'runtime'}-${suites.length}`}
                plan={shownPlan?.plan ?? view?.plan ?? null}
                suites={suites.map((suite) => suite.name)}
                onSave={(plan) =>
                  void release
                    .getState()
                    .setPlan(plan)
                    .then(() => setPicked(null))
                }
              />
              <GuardrailsEditor
                key={`guardrails-${target}-${view?.guardrails ? 'set' : 'unset'}`}
                guardrails={view?.guardrails ?? null}
                onSave={(guardrails) => void release.getState().setGuardrails(guardrails)}
              />
            </section>
          </div>
        </div>
      )}
      {dialog === 'target' && <TargetDialog onClose={() => setDialog(null)} />}
      {dialog === 'rollback' && (
        <RollbackDialog
          stable={state?.canary ? (state.stable?.semver ?? null) : (state?.history[state.history.length - 1]?.semver ?? null)}
          onClose={() => setDialog(null)}
        />
      )}
    </div>
  );
}
