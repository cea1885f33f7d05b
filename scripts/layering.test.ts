import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../shared/node/package-root';

/** The layering of STYLE.md is a lint rule: each probe below must be refused where it is written. */
const eslint = new ESLint({ cwd: packageRoot() });

async function refusals(filePath: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports' || message.ruleId === 'no-restricted-syntax')
    .map((message) => message.message);
}

describe('the layering lint', () => {
  it('keeps the CLI a client: no store, service, runtime client or database, imported or loaded', async () => {
    const cases: Array<[string, RegExp]> = [
      ["import { listAgents } from '../workspace/agents/agents';", /through connect\(\)/],
      ["export const load = () => import('../workspace/testing/runs');", /through connect\(\)/],
      ["import { runtimeClient } from '../shared/release/client';", /never the runtime client/],
      ["import { openDatabase } from '../shared/node/sqlite';", /database only through the contract/],
      ["export const load = () => import('../shared/node/sqlite');", /database only through the contract/],
      ["import { startBrowserHost } from '../hosts/browser-host';", /hosts\/serve only/],
    ];
    for (const [line, message] of cases)
      expect(await refusals('cli/probe.ts', `${line}\n`), line).toEqual([expect.stringMatching(message)]);
    expect(
      await refusals(
        'cli/probe.ts',
        "export const ok = [() => import('../workspace/connect'), () => import('../hosts/serve')];\n",
      ),
    ).toEqual([]);
  });

  it('keeps the back end, the hosts, shared code and the runtime in their layers', async () => {
    expect(await refusals('workspace/probe.ts', "import { runCli } from '../cli/program';\n")).toHaveLength(1);
    expect(await refusals('workspace/probe.ts', "import { app } from 'electron';\n")).toHaveLength(1);
    expect(await refusals('hosts/probe.ts', "import { app } from 'electron';\n")).toHaveLength(1);
    expect(await refusals('shared/probe.ts', "import { readFileSync } from 'node:fs';\n")).toHaveLength(1);
    expect(await refusals('shared/probe.ts', "import { connect } from '../workspace/connect';\n")).toHaveLength(1);
    expect(await refusals('runtime/probe.ts', "import { connect } from '../workspace/connect';\n")).toHaveLength(1);
    expect(await refusals('renderer/probe.ts', "import { openDatabase } from '../shared/node/sqlite';\n")).toHaveLength(1);
  });
});
