import { describe, expect, it, vi } from 'vitest';
import { channelName, listMethods } from '../../shared/contract/contract';

const exposed = new Map<string, unknown>();
const invocations: Array<[string, unknown]> = [];
const rendererListeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();

// Electron's binary cannot run here: the preload's two Electron calls are stood in for.
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    on: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
      rendererListeners.set(channel, (rendererListeners.get(channel) ?? new Set()).add(listener));
    },
    removeListener: (channel: string, listener: (event: unknown, payload: unknown) => void) =>
      rendererListeners.get(channel)?.delete(listener),
    invoke: (channel: string, input: unknown) => {
      invocations.push([channel, input]);
      return Promise.resolve({ ok: true, value: channel });
    },
  },
}));

describe('preload', () => {
  it('exposes window.slipway with exactly the contract methods, each bound to its own channel', async () => {
    await import('./index');
    const bridge = exposed.get('slipway') as Record<string, Record<string, (input: unknown) => Promise<unknown>>>;
    expect([...exposed.keys()]).toEqual(['slipway', 'slipwayEvents']);
    const methods = listMethods();
    expect(
      Object.entries(bridge).flatMap(([domain, group]) => Object.keys(group).map((method) => `${domain}.${method}`)),
    ).toEqual(methods.map(({ domain, method }) => `${domain}.${method}`));
    for (const { domain, method } of methods) {
      expect(await bridge[domain]?.[method]?.({ probe: true })).toEqual({ ok: true, value: channelName(domain, method) });
    }
    expect(invocations).toHaveLength(methods.length);
    expect(invocations.every(([, input]) => (input as { probe: boolean }).probe)).toBe(true);
  });
});

describe('preload events', () => {
  it('delivers events from the main process until the listener unsubscribes', async () => {
    await import('./index');
    const events = exposed.get('slipwayEvents') as { subscribe(listener: (event: unknown) => void): () => void };
    const received: unknown[] = [];
    const unsubscribe = events.subscribe((event) => received.push(event));
    const push = (payload: unknown) => rendererListeners.get('slipway:event')?.forEach((listener) => listener({}, payload));
    push({ type: 'workspace.changed', payload: { dataVersion: 3 } });
    unsubscribe();
    push({ type: 'workspace.changed', payload: { dataVersion: 4 } });
    expect(received).toEqual([{ type: 'workspace.changed', payload: { dataVersion: 3 } }]);
  });
});
