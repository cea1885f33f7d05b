import type { RuntimeEvent } from '../shared/release/protocol';
import type { RuntimeStore } from './store';

/** The events worth a message: a guardrail tripped, a rollback, a promotion, a step of the plan. */
const NOTIFIED = new Set<RuntimeEvent['type']>(['guardrail-tripped', 'rolled-back', 'promoted', 'step-advanced']);

/** One line a person reads in a chat channel. */
export function describeEvent(event: RuntimeEvent): string {
  const detail = event.detail;
  const version = (value: unknown) =>
    value && typeof value === 'object' && 'semver' in value ? String((value as { semver: unknown }).semver) : '?';
  switch (event.type) {
    case 'guardrail-tripped':
      return `${event.agent}: guardrail tripped on ${version(detail.version)} — ${String(detail.metric)} ${String(detail.value)} > ${String(detail.threshold)}; rolling back`;
    case 'rolled-back':
      return `${event.agent}: rolled back from ${version(detail.from)} to ${version(detail.to)} (${String(detail.reason)}) by ${event.actor}`;
    case 'promoted':
      return `${event.agent}: ${version(detail.version)} promoted to stable by ${event.actor}`;
    case 'step-advanced':
      return `${event.agent}: canary ${version(detail.version)} advanced to ${String(detail.weight)}%`;
    default:
      return `${event.agent}: ${event.type}`;
  }
}

/** Posts the event to the agent's webhooks, fire and forget: a slow or failing hook never holds the runtime. */
export function notifyWebhooks(store: RuntimeStore, event: RuntimeEvent, fetcher: typeof fetch): void {
  if (!NOTIFIED.has(event.type)) return;
  const hooks = store.setting(event.agent, 'webhooks')?.hooks ?? [];
  for (const hook of hooks) {
    const body = hook.format === 'slack' ? { text: describeEvent(event) } : event;
    fetcher(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    })
      .then((response) => response.body?.cancel())
      .catch((error: unknown) =>
        console.warn(`webhook ${hook.url} failed: ${error instanceof Error ? error.message : String(error)}`),
      );
  }
}
