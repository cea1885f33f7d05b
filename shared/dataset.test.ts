import { describe, expect, it } from 'vitest';
import { datasetFromSuite, datasetToJsonl, importDataset, parseDatasetJsonl } from './dataset';
import { Suite } from './suite';

describe('dataset import', () => {
  it('reads JSONL items, structured or flat, and names the first bad line without importing any', () => {
    const text = [
      '{"id": "a", "vars": {"body": "refund"}}',
      '',
      '{"body": "hello", "tier": "free"}',
      '{"id": 7, "messages": [{"role": "user", "content": "hi"}]}',
    ].join('\n');
    const { dataset, format } = importDataset('inputs.jsonl', text, 'inputs');
    expect(format).toBe('jsonl');
    expect(dataset.items).toEqual([
      { id: 'a', vars: { body: 'refund' }, tools: [] },
      { id: 'line-3', vars: { body: 'hello', tier: 'free' }, tools: [] },
      { id: '7', messages: [{ role: 'user', content: 'hi' }], tools: [] },
    ]);
    expect(() => importDataset('inputs.jsonl', '{"id": "a"}\n{"id": "b", "vars": [1]}\n', 'x')).toThrow(/^line 2: vars/);
    expect(() => importDataset('inputs.jsonl', '{"id": "a"}\nnot json\n', 'x')).toThrow(/^line 2: not JSON/);
    expect(() => importDataset('inputs.jsonl', '[1, 2]\n', 'x')).toThrow(/line 1: an item is a JSON object/);
  });

  it('maps CSV columns to the id, variables (renamed) or nothing', () => {
    const csv = 'ticket,Body,internal note\nT-1,charged twice,skip me\nT-2,"API down, 502",\n';
    const plain = importDataset('tickets.csv', csv, 'tickets');
    expect(plain.columns.map((column) => column.role.kind)).toEqual(['var', 'var', 'var']);
    expect(plain.dataset.items[0]).toEqual({
      id: 'row-1',
      vars: { ticket: 'T-1', Body: 'charged twice', 'internal note': 'skip me' },
      tools: [],
    });
    const mapped = importDataset('tickets.csv', csv, 'tickets', {
      ticket: { kind: 'id' },
      Body: { kind: 'var', name: 'body' },
      'internal note': { kind: 'ignore' },
    });
    expect(mapped.dataset.items).toEqual([
      { id: 'T-1', vars: { body: 'charged twice' }, tools: [] },
      { id: 'T-2', vars: { body: 'API down, 502' }, tools: [] },
    ]);
    expect(() => importDataset('tickets.csv', csv, 'tickets', { nope: { kind: 'id' } })).toThrow(
      /columns the file does not have: nope/,
    );
    expect(() => importDataset('tickets.csv', 'id,body\nbad id!,x\n', 'tickets')).toThrow(/^line 2: id/);
    expect(() => importDataset('tickets.txt', 'x', 'tickets')).toThrow(/\.jsonl or \.csv/);
  });

  it("builds a dataset from a suite's cases and round-trips through JSONL", () => {
    const suite = Suite.parse({
      name: 's',
      description: 'd',
      cases: [
        {
          id: 'one',
          vars: { q: 1 },
          assert: [{ type: 'contains', value: 'x' }],
          tools: [{ name: 'lookup', result: { ok: true } }],
        },
      ],
    });
    const dataset = datasetFromSuite(suite, 'from-s');
    expect(dataset).toEqual({
      name: 'from-s',
      description: 'd',
      items: [{ id: 'one', vars: { q: 1 }, tools: [{ name: 'lookup', result: { ok: true } }] }],
    });
    expect(parseDatasetJsonl(datasetToJsonl(dataset))).toEqual(dataset);
  });
});
