import { useEffect, useState } from 'react';
import type { RunEstimate } from '../../../shared/contract/testing';
import { formatCost } from '../../app/format';
import { useSlice, useStores } from '../../app/context';
import { Dialog, DialogActions } from '../../app/Dialog';
import { selectSelectedAgent } from '../agents/store';
import { RefOptions } from '../history/RefOptions';
import { CountInput } from '../../app/CountInput';

/** Run a suite: on a version, a label or the draft; concurrency, repeat, a cost cap with the estimate beside it. */
export function RunDialog({ suite, onClose }: { suite: string; onClose: () => void }) {
  const { tests, client, agents } = useStores();
  const agent = useSlice(tests, (state) => state.agent);
  const summary = useSlice(agents, selectSelectedAgent);
  const [ref, setRef] = useState(summary?.latest ? 'latest' : 'draft');
  const [concurrency, setConcurrency] = useState(4);
  const [repeat, setRepeat] = useState(1);
  const [maxCost, setMaxCost] = useState('');
  const [estimate, setEstimate] = useState<RunEstimate | { error: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!agent) return;
    let current = true;
    setEstimate(null);
    client.runs
      .estimate({ agent, ref, suite, repeat })
      .then((value) => current && setEstimate(value))
      .catch((error: unknown) => current && setEstimate({ error: error instanceof Error ? error.message : String(error) }));
    return () => {
      current = false;
    };
  }, [agent, client, ref, suite, repeat]);

  const cap = maxCost.trim() === '' ? undefined : Number(maxCost);
  const capInvalid = cap !== undefined && !(cap > 0);
  const refused = estimate !== null && 'error' in estimate;
  const submit = async () => {
    setBusy(true);
    const started = await tests.getState().startRun({ ref, suite, concurrency, repeat, maxCostUsd: cap });
    setBusy(false);
    if (started) onClose();
  };

  return (
    <Dialog title={`Run ${suite}`} onClose={onClose} testId="run-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy && !capInvalid && !refused) void submit();
        }}
      >
        <label>
          On
          <select value={ref} onChange={(event) => setRef(event.target.value)} data-testid="run-ref">
            <option value="draft">the draft</option>
            <RefOptions />
          </select>
        </label>
        <div className="row">
          <label>
            Concurrency
            <CountInput value={concurrency} max={64} onChange={setConcurrency} testId="run-concurrency" />
          </label>
          <label>
            Repeat
            <CountInput value={repeat} max={100} onChange={setRepeat} testId="run-repeat" />
          </label>
          <label>
            Max cost (US$)
            <input
              type="text"
              inputMode="decimal"
              placeholder="no limit"
              value={maxCost}
              onChange={(event) => setMaxCost(event.target.value)}
              data-testid="run-max-cost"
            />
          </label>
        </div>
        {capInvalid && <p className="field-error">Max cost is a number above 0, or empty for no limit.</p>}
        <p className="estimate" data-testid="run-estimate">
          {estimate === null
            ? 'Estimating…'
            : 'error' in estimate
              ? estimate.error
              : `${estimate.calls} calls on ${estimate.version}; cost up to ${estimate.estimateUsd === null ? 'unknown (no price for this model)' : formatCost(estimate.estimateUsd)}`}
        </p>
        <DialogActions
          onCancel={onClose}
          disabled={busy || capInvalid || refused}
          submitTestId="run-start"
          submitLabel="Start run"
        />
      </form>
    </Dialog>
  );
}
