import { describe, expect, it } from 'vitest';
import { fromCsv, suiteNameFromFile } from './suite-import';

describe('CSV import', () => {
  it("reads promptfoo's __expected prefixes, takes other text as the expected answer, and keeps what it cannot run as unsupported", () => {
    const csv = [
      'id,q,__expected',
      'a,1,contains: billing',
      'b,2,not-icontains: SORRY',
      'c,3,similar(0.8): a refund was issued',
      'd,4,grade: is polite and names the queue',
      'e,5,is-json',
      'f,6,Paris',
      'g,7,Note: this is just text',
      'h,8,python: output == 1',
      'i,9,fn: output.length > 3',
      'j,10,is-sql',
    ].join('\n');
    const { suite, report } = fromCsv(csv, 'cases');
    const byId = Object.fromEntries(suite.cases.map((testCase) => [testCase.id, testCase.assert]));
    expect(byId.a).toEqual([{ type: 'contains', value: 'billing' }]);
    expect(byId.b).toEqual([{ type: 'icontains', value: 'SORRY', not: true }]);
    expect(byId.c).toEqual([{ type: 'similar', value: 'a refund was issued', threshold: 0.8 }]);
    expect(byId.d).toEqual([{ type: 'rubric', value: 'is polite and names the queue' }]);
    expect(byId.e).toEqual([{ type: 'is-json' }]);
    expect(byId.f).toEqual([{ type: 'equals', value: 'Paris' }]);
    expect(byId.g).toEqual([{ type: 'equals', value: 'Note: this is just text' }]);
    expect(byId.h).toEqual([{ type: 'python', code: 'output == 1' }]);
    expect(byId.i).toEqual([{ type: 'javascript', code: 'output.length > 3' }]);
    expect(byId.j).toMatchObject([{ type: 'unsupported', original: 'is-sql', from: 'cases.csv row 11 __expected' }]);
    expect(report.unsupported).toEqual([
      'cases.csv row 11 __expected: assertion type "is-sql"; check the SQL with a javascript or python assertion, or a regex (kept as "unsupported": the case errors until it is replaced)',
    ]);
    expect(suite.cases[0]?.vars).toEqual({ q: '1' });
  });

  it('names a suite after its file', () => {
    expect(suiteNameFromFile('/tmp/Refund Cases.csv')).toBe('refund-cases');
    expect(suiteNameFromFile('C:\\data\\2024_evals.jsonl')).toBe('evals');
    expect(suiteNameFromFile('123.csv')).toBe('suite');
  });
});
