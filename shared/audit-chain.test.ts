import { describe, expect, it } from 'vitest';
import { auditRowHash, GENESIS_HASH, verifyChain, type ChainRow } from './audit-chain';

function chain(count: number): ChainRow[] {
  const rows: ChainRow[] = [];
  let prev = GENESIS_HASH;
  for (let id = 1; id <= count; id += 1) {
    const fields = {
      id,
      at: `2026-01-0${id}T00:00:00.000Z`,
      actor: 'a',
      action: 'x',
      agentId: 1,
      subject: 's',
      reason: '',
      before: null,
      after: `{"n":${id}}`,
    };
    const hash = auditRowHash(prev, fields);
    rows.push({ ...fields, prevHash: prev, hash });
    prev = hash;
  }
  return rows;
}

describe('audit hash chain', () => {
  it('verifies an untouched chain', () => {
    expect(verifyChain(chain(5))).toEqual({ ok: true, rows: 5 });
  });

  it('names the first altered row', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2]!, reason: 'edited' };
    expect(verifyChain(rows)).toMatchObject({ ok: false, firstBadId: 3, problem: expect.stringContaining('row 3 was altered') });
  });

  it('notices a removed row', () => {
    const rows = chain(5);
    rows.splice(1, 1);
    expect(verifyChain(rows)).toMatchObject({ ok: false, firstBadId: 3, problem: expect.stringContaining('row 3 links to') });
  });
});
