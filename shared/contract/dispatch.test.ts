import { afterEach, describe, expect, it } from 'vitest';
import { tempWorkspace, type TestWorkspace } from '../../test-support/workspace';
import { createServices } from '../../workspace/services';
import { createDispatch } from './dispatch';
import { listMethods } from './contract';

let t: TestWorkspace;
afterEach(() => t.cleanup());

function auditRows(): number {
  return (t.ws.db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n;
}

describe('the contract gate', () => {
  it('refuses an invalid input before it reaches a service', async () => {
    t = tempWorkspace();
    const calls: string[] = [];
    const handlers = createServices(t.ws).handlers;
    const create = handlers.agents.create;
    handlers.agents.create = (input) => {
      calls.push(input.name);
      return create(input);
    };
    const dispatch = createDispatch(handlers);
    for (const input of [{ name: 'Bad Name' }, { name: 42 }, {}, null, 'triage', { name: 'ok', description: 7 }]) {
      const result = await dispatch('agents', 'create', input);
      expect(result, JSON.stringify(input)).toMatchObject({
        ok: false,
        error: { code: 'invalid_input', message: expect.stringContaining('agents.create: ') },
      });
    }
    expect(calls).toEqual([]);
    expect(auditRows()).toBe(0);
    expect(await dispatch('agents', 'create', { name: 'ok' })).toMatchObject({ ok: true, value: { name: 'ok' } });
    expect(calls).toEqual(['ok']);
  });

  it('cannot call a method the contract does not list, prototype keys included', async () => {
    t = tempWorkspace();
    for (const [domain, method] of [
      ['agents', 'delete'],
      ['versions', 'update'],
      ['nope', 'list'],
      ['agents', '__proto__'],
      ['__proto__', 'toString'],
      ['agents', 'constructor'],
      ['agents', 'hasOwnProperty'],
    ] as const) {
      expect(await t.dispatch(domain, method, {})).toEqual({
        ok: false,
        error: { code: 'unknown_method', message: `unknown method ${domain}.${method}` },
      });
    }
  });

  it('returns service failures as { code, message } the UI can show', async () => {
    t = tempWorkspace();
    expect(await t.dispatch('versions', 'list', { agent: 'ghost' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'no agent named "ghost" (the workspace has no agents yet)' },
    });
  });

  it('reports an unexpected failure as internal, with its message', async () => {
    t = tempWorkspace();
    await t.dispatch('agents', 'list', {});
    t.ws.close();
    const result = await t.dispatch('agents', 'list', {});
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'internal', message: expect.stringContaining('agents.list failed unexpectedly') },
    });
  });

  it('has a service for every method of the contract', () => {
    t = tempWorkspace();
    const handlers = createServices(t.ws).handlers as unknown as Record<string, Record<string, unknown>>;
    for (const { domain, method } of listMethods())
      expect(typeof handlers[domain]?.[method], `${domain}.${method}`).toBe('function');
  });
});
