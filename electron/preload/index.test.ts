import { describe, expect, it, vi } from 'vitest';
import { channelName, listMethods } from '../../shared/contract/contract';

const exposed = new Map<string, unknown>();
const invocations: Array<[string, unknown]> = [];

// Electron's binary cannot run here: the preload's two Electron calls are stood in for.
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
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
    expect([...exposed.keys()]).toEqual(['slipway']);
    const methods = listMethods();
    expect(Object.entries(bridge).flatMap(([domain, group]) => Object.keys(group).map((method) => `${domain}.${method}`))).toEqual(
      methods.map(({ domain, method }) => `${domain}.${method}`),
    );
    for (const { domain, method } of methods) {
      expect(await bridge[domain]?.[method]?.({ probe: true })).toEqual({ ok: true, value: channelName(domain, method) });
    }
    expect(invocations).toHaveLength(methods.length);
    expect(invocations.every(([, input]) => (input as { probe: boolean }).probe)).toBe(true);
  });
});
