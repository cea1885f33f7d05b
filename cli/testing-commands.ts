import { writeFileSync } from 'node:fs';
import { INPUT_LIMITS } from '../shared/limits';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import type { RunProgressEvent, RunSummary, TestedFiles } from '../shared/contract/testing';
import { SlipwayError } from '../shared/errors';
import { parseRef } from '../shared/ref';
import { type CliContext } from './context';
import { follow } from './follow';
import { progressOutput } from './progress';
import { EXIT_CHECK_FAILED, type CliIo } from './io';
import { gateAllowingUnchecked } from '../shared/run-report';
import { allowFrom, allowOptions, number, readText } from './options';
import { filesBeside } from './config-folder';

function runId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id < 1)
    throw new SlipwayError('invalid_input', `"${text}" is not a run id: use the number \`slipway runs list\` shows`);
  return id;
}

interface TestFlags {
  suite?: string;
  from?: string;
  concurrency: number;
  repeat: number;
  minPassRate?: number;
  maxCost?: number;
  junit?: string;
  out?: string;
  cache?: boolean;
  allowUnchecked?: boolean;
  allowCommand?: boolean;
  allowKeys?: boolean;
  allowHosts?: boolean;
}

/** What `slipway test` says of a run, whether stored in the workspace or of files outside one. */
type TestedRun = Pick<RunSummary, 'status'> & {
  id: number | null;
  passed: number;
  total: number;
  passRate: number;
  gatePassed: boolean;
  unchecked: number;
  unevaluated: number;
  costUsd: number;
};

const MARKS: Record<RunProgressEvent['failures'][number]['status'], string> = { failed: '✗', errored: '!', unchecked: '?' };

/** Why a run's gate did not pass, in words: what was unchecked or unevaluated first, then the rule. */
function gateWhy(run: TestedRun, minPassRate: number | undefined): string {
  const why: string[] = [];
  if (run.unchecked > 0) why.push(`${run.unchecked} ${run.unchecked === 1 ? 'result has' : 'results have'} no checks`);
  if (run.unevaluated > 0)
    why.push(
      `${run.unevaluated} ${run.unevaluated === 1 ? 'result has an assertion' : 'results have assertions'} that could not be evaluated`,
    );
  why.push(minPassRate === undefined ? 'every result must pass' : `needs ${minPassRate}`);
  return why.join('; ');
}

/** Progress on stderr as the run goes: each result that did not pass, and a bar (a terminal) or quarters (CI). */
function progressPrinter(io: CliIo, quiet: boolean, concurrency: number) {
  const output = progressOutput(io, quiet);
  const say = output.say;
  let planned = false;
  return {
    onProgress: (event: RunProgressEvent) => {
      if (!planned && event.total > 0) {
        planned = true;
        const cost = event.estimateUsd === null ? 'unknown (no price for this model)' : `up to $${event.estimateUsd.toFixed(4)}`;
        say(`${event.total} calls at concurrency ${concurrency}; cost estimate ${cost}`);
      }
      for (const failure of event.failures)
        say(
          // A trajectory's reason goes step by step over lines: they are indented under their case.
          `${MARKS[failure.status]} ${failure.caseId}${failure.repeat > 0 ? ` #${failure.repeat + 1}` : ''}: ${failure.problem.replaceAll('\n', '\n    ')}`,
        );
      if (event.moreFailures > 0) say(`… and ${event.moreFailures} more that did not pass`);
      output.show(
        event.done,
        event.total,
        `${event.done}/${event.total}  ✓ ${event.passed}  ✗ ${event.failed}  ! ${event.errored}${event.unchecked > 0 ? `  ? ${event.unchecked} no checks` : ''}  $${event.costUsd.toFixed(4)}`,
        event.status === 'running',
      );
    },
    done: output.done,
  };
}

/** `slipway test`, `slipway suite …` and `slipway runs …`: every one a call of the contract. */
export function registerTestingCommands(program: Command, context: CliContext): void {
  const { io, api, print } = context;

  allowOptions(program.command('test [ref]'))
    .description('run a suite against a version (or the draft); exit 0 when the gate passes, 1 when not')
    .option('-s, --suite <name|file>', 'the suite: a name in the workspace, or a YAML file with --from')
    .option('--from <dir>', "test the agent's files in a folder, without a workspace (needs --suite FILE.yaml)")
    .option('-c, --concurrency <n>', 'calls in flight at once', number('--concurrency', 1, 64, true), 4)
    .option('-r, --repeat <k>', 'runs of each case', number('--repeat', 1, 100, true), 1)
    .option(
      '--min-pass-rate <p>',
      'pass when this share of results passes (0 to 1) instead of all',
      number('--min-pass-rate', 0, 1, false),
    )
    .option('--max-cost <usd>', 'stop starting calls once the run has cost this much', number('--max-cost', 0, 1e6, false))
    .option('--junit <file>', 'write the results as JUnit XML')
    .option('--out <file>', 'write the run, its attestation and every result as JSON')
    .option('--cache', "reuse the model's answers from earlier runs of the same version (assertions are graded again)")
    .option(
      '--allow-unchecked',
      'exit 0 though some cases have no assertions ("no checks"); the stored run still does not pass its gate',
    )
    .action(async (ref: string | undefined, flags: TestFlags, command: Command) => {
      if (!flags.suite)
        throw new SlipwayError('invalid_input', 'say which suite: --suite NAME (or --suite FILE.yaml with --from DIR)');
      if (!flags.from && !ref)
        throw new SlipwayError('invalid_input', 'say what to test: a ref (AGENT@1.2.0, AGENT@draft) or --from DIR');
      const suite = flags.suite;
      const client = await api(command);
      const settings = {
        concurrency: flags.concurrency,
        repeat: flags.repeat,
        minPassRate: flags.minPassRate ?? null,
        cache: flags.cache ?? false,
        ...(flags.maxCost !== undefined ? { maxCostUsd: flags.maxCost } : {}),
      };
      const printer = progressPrinter(io, context.json(command), settings.concurrency);
      const subscribe = (listener: Parameters<CliContext['onEvent']>[1]) => context.onEvent(command, listener);
      const pick = (event: Parameters<Parameters<CliContext['onEvent']>[1]>[0]) =>
        event.type === 'run.progress' ? { id: event.payload.runId, payload: event.payload } : null;
      let run: TestedRun;
      let attestation: RunSummary['attestation'] = null;
      let flaky: string[];
      let reports: { junit: () => Promise<string>; json: () => Promise<string> };
      try {
        if (flags.from) {
          const folder = resolve(io.cwd, flags.from);
          const { readAgentFolder } = await import('../shared/node/agent-folder');
          const files = readAgentFolder(folder);
          const { started } = await follow<RunProgressEvent, TestedFiles>({
            subscribe,
            pick,
            idOf: { known: null },
            cancel: () => client.runs.cancelFiles({}),
            start: () =>
              client.runs.testFiles({
                name: basename(folder),
                files,
                suite: { fileName: basename(suite), content: readText(io.cwd, suite, INPUT_LIMITS.suiteChars) },
                settings,
                reports: { junit: flags.junit !== undefined, json: flags.out !== undefined },
              }),
            onProgress: printer.onProgress,
          });
          run = { ...started.run, id: null };
          flaky = started.flaky;
          reports = { junit: async () => started.junit ?? '', json: async () => started.json ?? '' };
        } else {
          const target = ref ?? '';
          const { started } = await follow<RunProgressEvent, RunSummary>({
            subscribe,
            pick,
            idOf: (summary) => summary.id,
            start: () =>
              client.runs.start({ agent: parseRef(target).agent, ref: target, suite, settings, allow: allowFrom(flags) }),
            cancel: async (summary) => summary && client.runs.cancel({ runId: summary.id }),
            onProgress: printer.onProgress,
          });
          const stored = await client.runs.get({ runId: started.id });
          run = {
            id: stored.id,
            status: stored.status,
            passed: stored.passed ?? 0,
            total: stored.total ?? 0,
            passRate: stored.passRate ?? 0,
            gatePassed: stored.gatePassed ?? false,
            unchecked: stored.unchecked ?? 0,
            unevaluated: stored.unevaluated ?? 0,
            costUsd: stored.costUsd ?? 0,
          };
          attestation = stored.attestation;
          const rows = await client.runs.results({ runId: stored.id });
          flaky = [...new Set(rows.filter((row) => row.flaky).map((row) => row.caseId))];
          reports = {
            junit: async () => (await client.runs.report({ runId: stored.id, format: 'junit' })).content,
            json: async () => (await client.runs.report({ runId: stored.id, format: 'json' })).content,
          };
        }
      } finally {
        printer.done();
      }
      if (flags.junit) writeFileSync(resolve(io.cwd, flags.junit), await reports.junit());
      if (flags.out) writeFileSync(resolve(io.cwd, flags.out), await reports.json());
      const gateInput = { ...run, minPassRate: flags.minPassRate ?? null };
      const allowed = flags.allowUnchecked === true && !run.gatePassed && gateAllowingUnchecked(gateInput);
      print(command, { run, attestation, flaky }, (value) => {
        const gate = value.run.gatePassed
          ? 'gate PASSED'
          : `gate FAILED (${gateWhy(value.run, flags.minPassRate)})${allowed ? '; exit 0: --allow-unchecked' : ''}`;
        const status = value.run.status === 'finished' ? '' : ` — run ${value.run.status.replace('_', ' for ')}`;
        const unchecked = value.run.unchecked > 0 ? `, ${value.run.unchecked} with no checks` : '';
        return [
          `${value.run.passed}/${value.run.total} passed (${(value.run.passRate * 100).toFixed(1)}%)${unchecked}, cost $${value.run.costUsd.toFixed(4)}${status} — ${gate}`,
          ...(value.flaky.length > 0 ? [`flaky: ${value.flaky.join(', ')}`] : []),
          ...(value.run.id !== null ? [`run ${value.run.id} stored; \`slipway runs show ${value.run.id}\``] : []),
        ].join('\n');
      });
      if (!run.gatePassed && !allowed) context.exitWith(EXIT_CHECK_FAILED);
    });

  const suite = program.command('suite').description("an agent's suites: import, list, show, export");
  suite
    .command('import <file>')
    .description('import a suite: Slipway YAML, a promptfoo config, JSONL or CSV; saved as the next revision')
    .requiredOption('-a, --agent <name>', 'the agent the suite belongs to')
    .option('-n, --name <name>', 'the suite name (default: from the file)')
    .option('-m, --message <text>', 'why this revision', 'imported')
    .action(async (file: string, flags: { agent: string; name?: string; message: string }, command: Command) => {
      const client = await api(command);
      // A promptfoo config's file:// references read the files beside it; other formats name none.
      const files = /\.(ya?ml|json)$/i.test(file) ? filesBeside(resolve(io.cwd, file)) : {};
      const preview = await client.suites.previewImport({
        fileName: basename(file),
        content: readText(io.cwd, file, INPUT_LIMITS.suiteChars),
        ...(flags.name ? { name: flags.name } : {}),
        ...(Object.keys(files).length > 0 ? { files } : {}),
      });
      const saved = await client.suites.save({ agent: flags.agent, yaml: preview.yaml, message: flags.message });
      print(command, { suite: saved.name, revision: saved.revision, report: preview.report }, (value) =>
        [
          `Imported ${value.report.cases} cases (${value.report.format}) as ${flags.agent}/${value.suite} revision ${value.revision}`,
          ...value.report.unsupported.map((item) => `  not supported: ${item}`),
          ...value.report.notes.map((item) => `  note: ${item}`),
        ].join('\n'),
      );
    });
  suite.command('list <agent>').action(async (agent: string, _flags: unknown, command: Command) => {
    const suites = (await (await api(command)).suites.list({ agent })).map((summary) => ({
      name: summary.name,
      revision: summary.revision,
      cases: summary.cases,
      updatedAt: summary.createdAt,
      author: summary.author,
    }));
    print(command, suites, (value) =>
      value.length === 0
        ? 'No suites yet. Import one with `slipway suite import FILE --agent AGENT`.'
        : value.map((item) => `${item.name.padEnd(24)} rev ${item.revision}  ${item.cases} cases  ${item.author}`).join('\n'),
    );
  });
  suite
    .command('show <agent> <name>')
    .option('--revision <n>', 'an earlier revision', number('--revision', 1, 1e9, true))
    .option('--history', 'list every revision')
    .action(async (agent: string, name: string, flags: { revision?: number; history?: boolean }, command: Command) => {
      const client = await api(command);
      if (flags.history) {
        print(command, await client.suites.history({ agent, name }), (value) =>
          value.map((item) => `#${item.revision}  ${item.createdAt.slice(0, 16)}  ${item.author}: ${item.message}`).join('\n'),
        );
        return;
      }
      const detail = await client.suites.get({ agent, name, ...(flags.revision ? { revision: flags.revision } : {}) });
      const { parseSuiteYaml } = await import('../shared/suite-file');
      print(
        command,
        { revision: detail.revision, hash: detail.hash, suite: parseSuiteYaml(detail.content, `${name}.yaml`) },
        () => detail.content.trimEnd(),
      );
    });
  suite
    .command('export <agent> <name>')
    .option('--to <file>', 'write to a file instead of stdout')
    .action(async (agent: string, name: string, flags: { to?: string }, command: Command) => {
      const detail = await (await api(command)).suites.get({ agent, name });
      if (!flags.to) {
        io.stdout(detail.content);
        return;
      }
      writeFileSync(resolve(io.cwd, flags.to), detail.content);
      print(
        command,
        { file: flags.to, revision: detail.revision },
        (value) => `Wrote ${name} revision ${value.revision} to ${value.file}`,
      );
    });

  const runs = program.command('runs').description('stored runs: list, show, export, compare');
  runs
    .command('list <agent>')
    .option('-s, --suite <name>', 'only runs of this suite')
    .action(async (agent: string, flags: { suite?: string }, command: Command) => {
      const list = await (await api(command)).runs.list({ agent, ...(flags.suite ? { suite: flags.suite } : {}) });
      print(command, list, (value) =>
        value.length === 0
          ? 'No runs yet. Run a suite with `slipway test AGENT@VERSION --suite NAME`.'
          : value
              .map(
                (run) =>
                  `#${String(run.id).padEnd(4)} ${run.startedAt.slice(0, 16)}  ${run.version.padEnd(24)} ${run.suite}#${run.suiteRevision}  ${run.status.padEnd(9)} ${run.passed ?? '-'}/${run.total ?? '-'}  ${run.gatePassed ? 'passed' : 'not passed'}`,
              )
              .join('\n'),
      );
    });
  runs.command('show <id>').action(async (id: string, _flags: unknown, command: Command) => {
    const client = await api(command);
    const summary = await client.runs.get({ runId: runId(id) });
    const results = await client.runs.results({ runId: summary.id });
    print(command, { run: summary, results }, (value) =>
      [
        `Run ${value.run.id}: ${value.run.version} × ${value.run.suite}#${value.run.suiteRevision} — ${value.run.status}, ${value.run.passed ?? 0}/${value.run.total ?? 0} passed`,
        ...value.results.map(
          (result) =>
            `  ${result.status === 'passed' ? '✓' : result.status === 'failed' ? '✗' : '!'} ${result.caseId}${result.repeat > 0 ? ` #${result.repeat + 1}` : ''}  ${Math.round(result.latencyMs)} ms${result.status === 'passed' ? '' : `  ${result.problem ?? result.status}`}`,
        ),
      ].join('\n'),
    );
  });
  runs
    .command('export <id>')
    .description('write a stored run as JUnit XML and/or JSON (with its attestation)')
    .option('--junit <file>', 'JUnit XML')
    .option('--out <file>', 'JSON')
    .action(async (id: string, flags: { junit?: string; out?: string }, command: Command) => {
      if (!flags.junit && !flags.out) throw new SlipwayError('invalid_input', 'say where: --junit FILE and/or --out FILE');
      const client = await api(command);
      const run = await client.runs.get({ runId: runId(id) });
      if (flags.junit)
        writeFileSync(resolve(io.cwd, flags.junit), (await client.runs.report({ runId: run.id, format: 'junit' })).content);
      if (flags.out)
        writeFileSync(resolve(io.cwd, flags.out), (await client.runs.report({ runId: run.id, format: 'json' })).content);
      print(
        command,
        { run: run.id, junit: flags.junit ?? null, out: flags.out ?? null },
        (value) =>
          `Exported run ${value.run}${value.junit ? ` to ${value.junit}` : ''}${value.out ? `${value.junit ? ' and' : ' to'} ${value.out}` : ''}`,
      );
    });
  runs.command('compare <earlier> <later>').action(async (earlier: string, later: string, _flags: unknown, command: Command) => {
    const comparison = await (await api(command)).runs.compare({ earlier: runId(earlier), later: runId(later) });
    print(command, comparison, (value) =>
      [
        `Run ${value.earlier} → run ${value.later}`,
        `new failures: ${value.newFailures.join(', ') || 'none'}`,
        `fixed: ${value.fixes.join(', ') || 'none'}`,
        `still failing: ${value.stillFailing.join(', ') || 'none'}`,
      ].join('\n'),
    );
  });
}
