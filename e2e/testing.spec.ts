import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm } from '../test-support/fake-llm';
import { orderAgentFiles } from '../test-support/order-agent';
import { agentFiles } from '../test-support/workspace';
import { captureLogs, launchChromium, loadSampleAgents, openSession, replaceEditorText, TARGET, waitForSaved } from './support';

let browser: Browser | null = null;
beforeAll(async () => {
  if (TARGET === 'browser') browser = await launchChromium();
});
afterAll(async () => browser?.close());

const KEY = 'sk-e2e-never-shown-5531';

describe('testing in the app', () => {
  it('runs a sample suite with live progress, explains a failing case, and stores a cancelled run as cancelled', async () => {
    const session = await openSession(browser);
    const { page, client, dir } = session;
    loadSampleAgents(dir);
    await session.open('#/a/ticket-triage/tests');
    await page.getByTestId('suite-triage-basics').waitFor();
    await page.getByTestId('open-run-dialog').click();
    await page.getByTestId('run-ref').selectOption('staging');
    await page.getByTestId('run-estimate').filter({ hasText: '3 calls on ticket-triage@1.1.1' }).waitFor();
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-status').filter({ hasText: 'finished' }).waitFor();
    await page.getByTestId('run-summary').filter({ hasText: '2/3 passed' }).waitFor();

    await page.getByTestId('filter-failed').click();
    await expect.poll(() => page.getByTestId('result-row').count()).toBe(1);
    await page.locator('[data-testid="result-row"][data-case="api-outage"]').click();
    const drawer = page.getByTestId('case-drawer');
    await drawer.waitFor();
    expect(await page.getByTestId('drawer-verdicts').textContent()).toMatch(/✗ json-path.*\$\.priority.*p1/s);
    expect(await page.getByTestId('drawer-output').textContent()).toContain('"priority": "p2"');
    expect(await page.getByTestId('drawer-input').textContent()).toContain('Production is down');
    expect(await page.getByTestId('drawer-trajectory').textContent()).toContain('Every call to the EU endpoint fails');
    await session.screenshot('10-tests-failing-case');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });

    await page.getByTestId('back-to-suite').click();
    await page.getByTestId('open-run-dialog').click();
    await page.getByTestId('run-ref').selectOption('staging');
    await page.getByTestId('run-concurrency').fill('1');
    await page.getByTestId('run-repeat').fill('100');
    await page.getByTestId('run-estimate').filter({ hasText: '300 calls' }).waitFor();
    await page.getByTestId('run-start').click();
    const counts = page.getByTestId('run-progress-counts');
    await expect
      .poll(async () => Number(/^(\d+)\//.exec((await counts.textContent()) ?? '')?.[1] ?? 0), { timeout: 10_000 })
      .toBeGreaterThan(3);
    expect(await counts.textContent()).toMatch(/\/300 · ✓ \d+ ✗ \d+ ! 0 · \$0( · about \d+ s left)?/);
    await session.screenshot('11-tests-progress');
    await page.getByTestId('run-cancel').click();
    await page.getByTestId('run-status').filter({ hasText: 'cancelled' }).waitFor();
    await page
      .getByTestId('run-summary')
      .filter({ hasText: /^\d+ finished before it was cancelled, / })
      .waitFor();
    await page.getByTestId('run-comparison').waitFor();

    const runs = await client.runs.list({ agent: 'ticket-triage', suite: 'triage-basics' });
    expect(runs.map((run) => run.status)).toEqual(['cancelled', 'finished']);
    const kept = await client.runs.results({ runId: runs[0]?.id ?? 0 });
    expect(kept.length).toBeGreaterThan(3);
    expect(kept.length).toBeLessThan(300);
    await session.finish();
  });

  it('opens a failing conversation in the drawer, step by step, with the steps each verdict looked at', async () => {
    const session = await openSession(browser);
    const { page, client } = session;
    await client.agents.create({ name: 'support' });
    await client.versions.snapshot({ agent: 'support', message: 'first', files: orderAgentFiles('cancel_order') });
    const suite = [
      'name: conversations',
      'cases:',
      '  - id: refund-flow',
      '    tools:',
      '      - { name: lookup_order, result: { status: shipped } }',
      '      - { name: cancel_order, result: { cancelled: true } }',
      '    turns:',
      '      - user: Where is order 42?',
      '        assert: [{ type: tool-called, name: lookup_order, args: { id: 42 }, match: exact }]',
      '      - user: Refund it',
      '        assert: [{ type: tool-called, name: refund }]',
      '    assert:',
      '      - { type: tool-sequence, names: [lookup_order, refund] }',
      '      - { type: step-count, max_turns: 4 }',
      '',
    ].join('\n');
    await client.suites.save({ agent: 'support', yaml: suite, message: 'a conversation' });
    await session.open('#/a/support/tests');
    await page.getByTestId('suite-conversations').click();
    await page.getByTestId('open-run-dialog').click();
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-status').filter({ hasText: 'finished' }).waitFor();
    await page.getByTestId('run-summary').filter({ hasText: '0/1 passed' }).waitFor();
    const row = page.locator('[data-testid="result-row"][data-case="refund-flow"]');
    expect(await row.textContent()).toContain('turn 2: expected a call of refund');
    await row.click();
    const drawer = page.getByTestId('case-drawer');
    await drawer.waitFor();
    const steps = drawer.getByTestId('trajectory-step');
    await expect.poll(() => steps.count()).toBe(8);
    expect(await drawer.locator('.turn-head').allTextContents()).toEqual(['Turn 1', 'Turn 2']);
    // The wrong call is a failing step, marked by the turn's verdict that looked at it.
    const wrong = steps.filter({ hasText: '→ cancel_order({"id":42})' });
    expect(await wrong.getAttribute('class')).toContain('failing');
    expect(await wrong.textContent()).toContain('✗ tool-called');
    expect(await steps.nth(1).textContent()).toContain('✓ tool-called');
    expect(await page.getByTestId('drawer-verdicts').textContent()).toContain(
      '1. lookup_order ✓\n2. cancel_order ✗ expected refund',
    );
    await drawer.getByRole('button', { name: '✗ tool-sequence' }).first().click();
    await expect.poll(() => drawer.locator('[data-testid="trajectory-step"].looked').count()).toBe(2);
    await session.screenshot('16-tests-failing-trajectory');
    await page.keyboard.press('Escape');

    // The table view edits a turn's assertions as lines, like the case's own.
    await page.getByTestId('back-to-suite').click();
    await page.getByTestId('suite-mode-table').click();
    const turnLine = page.getByLabel('Case 1 turn 2 assertion 1', { exact: true });
    expect(await turnLine.inputValue()).toBe('tool-called: refund');
    await turnLine.fill('tool-called(exact): cancel_order {"id": 42}');
    expect(await turnLine.getAttribute('aria-invalid')).toBe('false');
    const sequence = page.getByLabel('Case 1 assertion 1', { exact: true });
    expect(await sequence.inputValue()).toBe('tool-sequence: lookup_order, refund');
    await sequence.fill('tool-sequence(unordered): cancel_order, lookup_order');
    await page.getByTestId('suite-message').fill('cancelling is right');
    await page.getByTestId('suite-save').click();
    await expect.poll(async () => (await client.suites.get({ agent: 'support', name: 'conversations' })).revision).toBe(2);
    const saved = await client.suites.get({ agent: 'support', name: 'conversations' });
    expect(saved.content).toContain('match: exact');
    expect(saved.content).toContain('mode: unordered');
    await page.getByTestId('open-run-dialog').click();
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-summary').filter({ hasText: '1/1 passed' }).waitFor();
    await session.finish();
  });

  it('tries an edited draft beside the latest version on a loopback provider, with a key entered in Settings that appears nowhere', async () => {
    const fake = await startFakeLlm((request) => ({
      kind: 'reply',
      text: JSON.stringify(request.body.messages).includes('URGENT') ? 'queue: escalations' : 'queue: general',
      usage: { input: 120, output: 9 },
    }));
    const session = await openSession(browser);
    const logs = captureLogs(session.page);
    const { page, client, dir } = session;
    const bodies: string[] = [];
    page.on('response', (response) => {
      void response
        .text()
        .then((text) => bodies.push(text))
        .catch(() => undefined);
    });
    try {
      await client.agents.create({ name: 'triage' });
      const config = `provider: openai-compatible\nmodel: gpt-4o-mini-2024-07-18\nbase_url: ${fake.url}/v1\napi_key: OPENAI\nretries: 0\n`;
      await client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles({ 'config.yaml': config }) });

      await session.open('#/a/triage/editor');
      await page.getByTestId('open-settings').click();
      await page.getByTestId('key-OPENAI-state').filter({ hasText: 'not set' }).waitFor();
      expect(await page.getByTestId('key-OPENAI').textContent()).toContain('triage');
      await page.getByTestId('key-OPENAI-value').fill(KEY);
      await page.getByTestId('key-OPENAI-save').click();
      await page.getByTestId('key-OPENAI-state').filter({ hasText: 'set (session)' }).waitFor();
      expect(await page.getByTestId('key-OPENAI-value').inputValue()).toBe('');
      expect(await page.getByTestId('key-storage').textContent()).toContain('this session only');
      await session.screenshot('12-settings-keys');
      await page.getByTestId('close-settings').click();

      await replaceEditorText(page, 'prompt.md', 'You sort support tickets. Mark anything URGENT first.\n');
      await waitForSaved(page);
      await page.getByTestId('open-try').click();
      await page.getByTestId('try-var-id').fill('T-9');
      await page.getByTestId('try-var-body').fill('The site is down for everyone');
      await page.getByTestId('try-compare').selectOption('latest');
      await page.keyboard.press('ControlOrMeta+Enter');
      await page.getByTestId('try-draft-output').filter({ hasText: 'queue: escalations' }).waitFor();
      await page.getByTestId('try-other-output').filter({ hasText: 'queue: general' }).waitFor();
      expect(await page.getByTestId('try-draft-figures').textContent()).toMatch(
        /triage@draft · \d+ ms · 120 in \/ 9 out · \$0\.0000\d+/,
      );
      expect(await page.getByTestId('try-other-figures').textContent()).toContain('triage@1.0.0');
      // Side by side, and where they differ word by word.
      const [draftBox, otherBox] = await Promise.all([
        page.getByTestId('try-draft').boundingBox(),
        page.getByTestId('try-other').boundingBox(),
      ]);
      expect(Math.abs((draftBox?.y ?? 0) - (otherBox?.y ?? 1))).toBeLessThan(2);
      expect(await page.getByTestId('try-diff').locator('del').allTextContents()).toEqual(['general']);
      expect(await page.getByTestId('try-diff').locator('ins').allTextContents()).toEqual(['escalations']);
      await session.screenshot('13-try-panel');

      await page.getByTestId('try-var-body').fill('');
      await page.getByTestId('try-run').click();
      await page.getByTestId('try-draft-error').filter({ hasText: 'Fill in the variable' }).waitFor();
      expect(await page.getByTestId('try-draft-error').textContent()).toContain('{{body}}');

      expect(fake.requests.some((request) => request.headers.authorization === `Bearer ${KEY}`)).toBe(true);
      await expect.poll(() => bodies.length).toBeGreaterThan(10);
      expect(bodies.filter((body) => body.includes(KEY))).toEqual([]);
      expect(await page.content()).not.toContain(KEY);
      expect(logs.lines.filter((line) => line.includes(KEY))).toEqual([]);
      for (const file of readdirSync(dir).filter((name) => name.startsWith('slipway.db'))) {
        expect(readFileSync(join(dir, file)).includes(Buffer.from(KEY)), file).toBe(false);
      }
      await session.finish();
    } finally {
      logs.stop();
      await fake.close();
    }
  });

  it('imports a promptfoo config with the file it names, and never shows a case it could not check as passed', async () => {
    const session = await openSession(browser);
    const { page, client } = session;
    await client.agents.create({ name: 'triage' });
    const mock = 'provider: mock\nmodel: mock-1\nmock:\n  rules:\n    - reply: billing\n';
    await client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles({ 'config.yaml': mock }) });
    await session.open('#/a/triage/tests');
    await page.getByTestId('tests-empty').waitFor();

    await page.getByTestId('import-suite').first().click();
    const config = [
      'tests:',
      '  - file://cases.csv',
      '  - description: needs sql',
      '    vars: { id: T-2, body: report }',
      '    assert: [{ type: is-sql }]',
      '  - description: nothing checked',
      '    vars: { id: T-3, body: hello }',
      '',
    ].join('\n');
    await page
      .getByTestId('import-file')
      .setInputFiles({ name: 'promptfooconfig.yaml', mimeType: 'text/yaml', buffer: Buffer.from(config) });
    // The config names cases.csv, which was not given: the dialog asks for it.
    await page.getByTestId('import-beside').waitFor();
    await page.getByText('add its folder or those files below').waitFor();
    await page.getByTestId('import-files').setInputFiles({
      name: 'cases.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('id,body,__expected,__description\nT-1,charged twice,contains: billing,double charge\n'),
    });
    await page.getByTestId('import-preview').filter({ hasText: '3 cases from promptfoo' }).waitFor();
    expect(await page.getByTestId('import-unsupported').textContent()).toContain('assertion type "is-sql"');
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('suite-promptfooconfig').waitFor();

    await page.getByTestId('open-run-dialog').click();
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-status').filter({ hasText: 'finished' }).waitFor();
    await page.getByTestId('run-summary').filter({ hasText: '1/3 passed' }).waitFor();
    expect(await page.getByTestId('run-summary').textContent()).toContain('gate failed (1 with no checks, 1 not evaluated)');
    const rows = page.getByTestId('result-row');
    await expect.poll(() => rows.count()).toBe(3);
    const sql = page.locator('[data-testid="result-row"][data-case="needs-sql"]');
    expect(await sql.getAttribute('data-status')).toBe('errored');
    expect(await sql.textContent()).toContain('Slipway cannot evaluate "is-sql"');
    const bare = page.locator('[data-testid="result-row"][data-case="nothing-checked"]');
    expect(await bare.getAttribute('data-status')).toBe('unchecked');
    expect(await bare.textContent()).toContain('no checks');
    await page.getByTestId('filter-unchecked').click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByTestId('filter-unchecked').textContent()).toContain('no checks');
    await session.screenshot('15-tests-no-checks');
    await session.finish();
  });

  it('imports a CSV with a preview and its report, and edits a new suite as a table', async () => {
    const session = await openSession(browser);
    const { page, client } = session;
    await client.agents.create({ name: 'triage' });
    await client.versions.snapshot({ agent: 'triage', message: 'first', files: agentFiles() });
    await session.open('#/a/triage/tests');
    await page.getByTestId('tests-empty').waitFor();

    await page.getByTestId('import-suite').first().click();
    await page.getByTestId('import-file').setInputFiles({
      name: 'Refund Cases.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('id,body,__expected\nr1,refund now,contains:billing\nr2,hello,is-sql\n'),
    });
    await page.getByTestId('import-preview').filter({ hasText: '2 cases from csv' }).waitFor();
    expect(await page.getByTestId('import-name').inputValue()).toBe('refund-cases');
    expect(await page.getByTestId('import-unsupported').textContent()).toContain('is-sql');
    await page.getByTestId('import-name').fill('refunds');
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('suite-refunds').waitFor();
    expect((await client.suites.get({ agent: 'triage', name: 'refunds' })).cases).toBe(2);

    await page.getByTestId('new-suite').click();
    await page.getByTestId('suite-mode-table').click();
    await page.getByLabel('Case 1 id').fill('urgent');
    await page.getByLabel('Case 1 variable body').fill('server down');
    const templateAssertions = await page.getByLabel(/^Case 1 assertion \d+$/).count();
    await page.getByLabel('Add an assertion to case 1').click();
    const added = page.getByLabel(`Case 1 assertion ${templateAssertions + 1}`, { exact: true });
    await added.fill('contains p1');
    expect(await added.getAttribute('aria-invalid')).toBe('true');
    await page.getByText('write TYPE: VALUE, for example contains: billing').waitFor();
    await added.fill('not contains: sorry');
    expect(await added.getAttribute('aria-invalid')).toBe('false');
    await page.getByTestId('add-case').click();
    await page.getByLabel('Case 2 id').fill('calm');
    await page.getByTestId('suite-message').fill('two cases from the table');
    await page.getByTestId('suite-save').click();
    await page.getByTestId('suite-new-suite').waitFor();
    const saved = await client.suites.get({ agent: 'triage', name: 'new-suite' });
    expect(saved.caseList.map((testCase) => [testCase.id, testCase.vars, testCase.assertions])).toEqual([
      ['urgent', { id: '', body: 'server down' }, templateAssertions + 1],
      ['calm', { id: '', body: '' }, 0],
    ]);
    expect(saved.content).toMatch(
      /- type: contains\n\s+not: true\n\s+value: sorry|- type: contains\n\s+value: sorry\n\s+not: true/,
    );
    await session.screenshot('14-tests-table');
    await session.finish();
  });
});
