import { afterEach, describe, expect, it } from 'vitest';
import { channelName, listMethods } from '../shared/contract/contract';
import { FakeIpcMain } from '../test-support/fake-ipc-main';
import { tempWorkspace, type TestWorkspace } from '../test-support/workspace';
import { bindIpc } from './ipc';
import { APP_ENTRY, isAppUrl } from '../electron/main/window-security';

let t: TestWorkspace;
afterEach(() => t.cleanup());

function bound() {
  t = tempWorkspace();
  const ipc = new FakeIpcMain();
  bindIpc(ipc, t.dispatch, isAppUrl);
  return ipc;
}

describe('IPC binding', () => {
  it('registers exactly one slipway:<domain>.<method> channel per contract method', () => {
    const ipc = bound();
    expect(ipc.channels()).toEqual(listMethods().map(({ domain, method }) => channelName(domain, method)));
    expect(ipc.channels()).toContain('slipway:versions.snapshot');
  });

  it('answers a call from the app window through the real services', async () => {
    const ipc = bound();
    expect(await ipc.invoke('slipway:agents.create', APP_ENTRY, { name: 'triage' })).toMatchObject({
      ok: true,
      value: { name: 'triage' },
    });
    expect(await ipc.invoke('slipway:agents.list', APP_ENTRY, {})).toMatchObject({ ok: true, value: [{ name: 'triage' }] });
  });

  it('refuses an unknown channel', async () => {
    const ipc = bound();
    await expect(ipc.invoke('slipway:agents.delete', APP_ENTRY, { name: 'triage' })).rejects.toThrowError(
      /No handler registered/,
    );
    await expect(ipc.invoke('slipway:audit.truncate', APP_ENTRY, {})).rejects.toThrowError(/No handler registered/);
  });

  it('refuses a malformed input with invalid_input and changes nothing', async () => {
    const ipc = bound();
    expect(await ipc.invoke('slipway:agents.create', APP_ENTRY, { name: '../../etc' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await ipc.invoke('slipway:agents.list', APP_ENTRY, {})).toEqual({ ok: true, value: [] });
  });

  it('refuses callers that are not the app window before reading their input', async () => {
    const ipc = bound();
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'http://127.0.0.1:5173/', '', null]) {
      expect(await ipc.invoke('slipway:agents.create', url, { name: 'triage' }), String(url)).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    expect(await ipc.invoke('slipway:agents.list', APP_ENTRY, {})).toEqual({ ok: true, value: [] });
  });
});
