import { readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Command } from 'commander';
import type { CaseResult, RunProgress } from '../shared/engine/runner';
import { SlipwayError } from '../shared/errors';
import type { ReportRun } from '../shared/run-report';
import type { RunSummary } from '../workspace/testing/runs';
import type { Workspace } from '../workspace/workspace';
import { EXIT_CHECK_FAILED, type CliIo } from './io';
import { number } from './options';

export interface CliContext {
  io: CliIo;
  open: (command: Command) => Promise<Workspace>;
  print: <T>(command: Command, value: T, human: (value: T) => string) => void;
  json: (command: Command) => boolean;
  /** Ends the command with this exit code once it has printed. */
  exitWith: (code: number) => void;
}

function runId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id < 1)
    throw new SlipwayError('invalid_input', `"${text}" is not a run id: use the number \`slipway runs list\` shows`);
  return id;
}

function firstProblem(result: CaseResult): string {
  if (result.error) return `${result.error.kind}: ${result.error.message}`;
  const failed = result.verdicts.find((verdict) => !verdict.pass);
  return failed ? `${failed.type}: ${failed.reason}` : 'failed';
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
}

/**
 * The modules behind these commands, loaded when one runs, so the rest of the CLI starts without
 * them; `loadEngine` alone is what `slipway test --from` needs (no SQLite, no workspace).
 */
async function loadEngine() {
  const [runner, platform, secrets, report, suiteFile, filesIo, testFiles, prices] = await Promise.all([
    import('../shared/engine/runner'),
    import('../shared/node/platform'),
    import('../shared/engine/secrets'),
    import('../shared/run-report'),
    import('../shared/suite-file'),
    import('../shared/node/agent-folder'),
    import('../workspace/testing/test-files'),
    import('../shared/node/prices'),
  ]);
  return { ...runner, ...platform, ...secrets, ...report, ...suiteFile, ...filesIo, ...testFiles, ...prices };
}

async function load() {
  const [engine, suiteImport, runs, suites, testing] = await Promise.all([
    loadEngine(),
    import('../shared/suite-import'),
    import('../workspace/testing/runs'),
    import('../workspace/testing/suites'),
    import('../workspace/testing/test-version'),
  ]);
  return { ...engine, ...suiteImport, ...runs, ...suites, ...testing };
}

function reportOf(run: RunSummary): ReportRun {
  return {
    id: run.id,
    agent: run.agent,
    version: run.version,
    versionHash: run.versionHash,
    suite: run.suite,
    suiteRevisionHash: run.suiteRevisionHash,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    passed: run.passed ?? 0,
    total: run.total ?? 0,
    passRate: run.passRate ?? 0,
    gatePassed: run.gatePassed ?? false,
    costUsd: run.costUsd ?? 0,
  };
}

/** `slipway test`, `slipway suite …` and `slipway runs …`. */
export function registerTestingCommands(program: Command, context: CliContext): void {
  const { io } = context;

  program
    .command('test [ref]')
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
    .action(async (ref: string | undefined, flags: TestFlags, command: Command) => {
      if (!flags.suite)
        throw new SlipwayError('invalid_input', 'say which suite: --suite NAME (or --suite FILE.yaml with --from DIR)');
      const {
        nodePlatform,
        envSecrets,
        loadPrices,
        parseSuiteYaml,
        readAgentFolder,
        testFiles,
        toJUnit,
        toJsonReport,
        summarizeCases,
      } = await loadEngine();
      if (!flags.from && !ref)
        throw new SlipwayError('invalid_input', 'say what to test: a ref (AGENT@1.2.0, AGENT@draft) or --from DIR');
      const settings = {
        concurrency: flags.concurrency,
        repeat: flags.repeat,
        ...(flags.maxCost !== undefined ? { maxCostUsd: flags.maxCost } : {}),
      };
      const tty = io.isTTY && !context.json(command);
      const say = (line: string) => {
        if (!context.json(command)) io.stderr(`${line}\n`);
      };
      let lastShown = -1;
      const onProgress = (progress: RunProgress) => {
        if (progress.last.status !== 'passed')
          say(
            `${tty ? '\r\x1b[K' : ''}${progress.last.status === 'errored' ? '!' : '✗'} ${progress.last.caseId}${progress.last.repeat > 0 ? ` #${progress.last.repeat + 1}` : ''}: ${firstProblem(progress.last)}`,
          );
        const percent = Math.floor((progress.done / progress.total) * 100);
        if (tty)
          io.stderr(
            `\r\x1b[K${progress.done}/${progress.total}  ✓ ${progress.passed}  ✗ ${progress.failed}  ! ${progress.errored}  $${progress.costUsd.toFixed(4)}`,
          );
        else if (Math.floor(percent / 25) > Math.floor(lastShown / 25)) say(`${progress.done}/${progress.total} done`);
        lastShown = percent;
      };
      const onStart = (plan: { total: number; estimateUsd: number | null }) =>
        say(
          `${plan.total} calls at concurrency ${settings.concurrency}; cost estimate ${plan.estimateUsd === null ? 'unknown (no price for this model)' : `up to $${plan.estimateUsd.toFixed(4)}`}`,
        );
      const controller = new AbortController();
      const cancel = () => controller.abort();
      process.once('SIGINT', cancel);
      const options = {
        settings,
        minPassRate: flags.minPassRate ?? null,
        cache: flags.cache ?? false,
        platform: nodePlatform(envSecrets(io.env)),
        prices: loadPrices(),
        signal: controller.signal,
        onStart,
        onProgress,
      };
      let report: ReportRun;
      let results: CaseResult[];
      let attestation: unknown = null;
      try {
        if (flags.from) {
          const suiteFile = resolve(io.cwd, flags.suite);
          const suite = parseSuiteYaml(readFileSync(suiteFile, 'utf8'), basename(suiteFile));
          const files = readAgentFolder(resolve(io.cwd, flags.from));
          const { versionHash, outcome } = await testFiles(files, suite, options);
          results = outcome.results;
          const passed = results.filter((result) => result.status === 'passed').length;
          const total = suite.cases.length * settings.repeat;
          const gatePassed =
            outcome.status === 'finished' &&
            (flags.minPassRate === undefined ? passed === total : passed / total >= flags.minPassRate);
          const now = new Date().toISOString();
          report = {
            id: null,
            agent: basename(resolve(io.cwd, flags.from)),
            version: flags.from,
            versionHash,
            suite: suite.name,
            suiteRevisionHash: '',
            status: outcome.status,
            startedAt: now,
            finishedAt: now,
            passed,
            total,
            passRate: total ? passed / total : 0,
            gatePassed,
            costUsd: outcome.costUsd,
          };
        } else {
          const ws = await context.open(command);
          const { testVersion } = await import('../workspace/testing/test-version');
          const tested = await testVersion(ws, ref ?? '', flags.suite, options);
          results = tested.results;
          attestation = tested.attestation;
          report = reportOf(tested.run);
        }
      } finally {
        process.removeListener('SIGINT', cancel);
        if (tty) io.stderr('\r\x1b[K');
      }
      if (flags.junit) writeFileSync(resolve(io.cwd, flags.junit), await toJUnit(report, results));
      if (flags.out) writeFileSync(resolve(io.cwd, flags.out), toJsonReport(report, results, attestation));
      const flaky = summarizeCases(results)
        .filter((summary) => summary.flaky)
        .map((summary) => summary.caseId);
      context.print(command, { run: report, attestation, flaky }, (value) => {
        const gate = value.run.gatePassed
          ? 'gate PASSED'
          : `gate FAILED (${flags.minPassRate === undefined ? 'every result must pass' : `needs ${flags.minPassRate}`})`;
        const status = value.run.status === 'finished' ? '' : ` — run ${value.run.status.replace('_', ' for ')}`;
        return [
          `${value.run.passed}/${value.run.total} passed (${(value.run.passRate * 100).toFixed(1)}%), cost $${value.run.costUsd.toFixed(4)}${status} — ${gate}`,
          ...(flaky.length > 0 ? [`flaky: ${flaky.join(', ')}`] : []),
          ...(value.run.id !== null ? [`run ${value.run.id} stored; \`slipway runs show ${value.run.id}\``] : []),
        ].join('\n');
      });
      if (!report.gatePassed) context.exitWith(EXIT_CHECK_FAILED);
    });

  const suite = program.command('suite').description("an agent's suites: import, list, show, export");
  suite
    .command('import <file>')
    .description('import a suite: Slipway YAML, a promptfoo config, JSONL or CSV; saved as the next revision')
    .requiredOption('-a, --agent <name>', 'the agent the suite belongs to')
    .option('-n, --name <name>', 'the suite name (default: from the file)')
    .option('-m, --message <text>', 'why this revision', 'imported')
    .action(async (file: string, flags: { agent: string; name?: string; message: string }, command: Command) => {
      const { importSuite, saveSuite, suiteToYaml, suiteNameFromFile } = await load();
      const path = resolve(io.cwd, file);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        throw new SlipwayError('invalid_input', `cannot read ${path}`);
      }
      const name = flags.name ?? suiteNameFromFile(file);
      const { suite: imported, report } = importSuite(basename(file), text, name);
      const saved = saveSuite(
        await context.open(command),
        flags.agent,
        suiteToYaml(flags.name ? { ...imported, name: flags.name } : imported),
        flags.message,
      );
      context.print(command, { suite: saved.name, revision: saved.revision, report }, (value) =>
        [
          `Imported ${value.report.cases} cases (${value.report.format}) as ${flags.agent}/${value.suite} revision ${value.revision}`,
          ...value.report.unsupported.map((item) => `  not imported: ${item}`),
          ...value.report.notes.map((item) => `  note: ${item}`),
        ].join('\n'),
      );
    });
  suite.command('list <agent>').action(async (agent: string, _flags: unknown, command: Command) => {
    const { listSuites } = await load();
    const suites = listSuites(await context.open(command), agent).map((revision) => ({
      name: revision.name,
      revision: revision.revision,
      cases: revision.suite.cases.length,
      updatedAt: revision.createdAt,
      author: revision.author,
    }));
    context.print(command, suites, (value) =>
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
      const { getSuite, suiteHistory } = await load();
      const ws = await context.open(command);
      if (flags.history) {
        const revisions = suiteHistory(ws, agent, name).map((revision) => ({
          revision: revision.revision,
          hash: revision.hash,
          author: revision.author,
          message: revision.message,
          createdAt: revision.createdAt,
        }));
        context.print(command, revisions, (value) =>
          value.map((item) => `#${item.revision}  ${item.createdAt.slice(0, 16)}  ${item.author}: ${item.message}`).join('\n'),
        );
        return;
      }
      const revision = getSuite(ws, agent, name, flags.revision);
      context.print(command, { revision: revision.revision, hash: revision.hash, suite: revision.suite }, () =>
        revision.content.trimEnd(),
      );
    });
  suite
    .command('export <agent> <name>')
    .option('--to <file>', 'write to a file instead of stdout')
    .action(async (agent: string, name: string, flags: { to?: string }, command: Command) => {
      const { getSuite } = await load();
      const revision = getSuite(await context.open(command), agent, name);
      if (flags.to) {
        writeFileSync(resolve(io.cwd, flags.to), revision.content);
        context.print(
          command,
          { file: flags.to, revision: revision.revision },
          (value) => `Wrote ${name} revision ${value.revision} to ${value.file}`,
        );
      } else {
        io.stdout(revision.content);
      }
    });

  const runs = program.command('runs').description('stored runs: list, show, compare');
  runs
    .command('list <agent>')
    .option('-s, --suite <name>', 'only runs of this suite')
    .action(async (agent: string, flags: { suite?: string }, command: Command) => {
      const { listRuns } = await load();
      const list = listRuns(await context.open(command), agent, flags.suite);
      context.print(command, list, (value) =>
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
    const { getRunSummary, runResults } = await load();
    const ws = await context.open(command);
    const summary = getRunSummary(ws, runId(id));
    const results = runResults(ws, summary.id);
    context.print(command, { run: summary, results }, (value) =>
      [
        `Run ${value.run.id}: ${value.run.version} × ${value.run.suite}#${value.run.suiteRevision} — ${value.run.status}, ${value.run.passed ?? 0}/${value.run.total ?? 0} passed`,
        ...value.results.map(
          (result) =>
            `  ${result.status === 'passed' ? '✓' : result.status === 'failed' ? '✗' : '!'} ${result.caseId}${result.repeat > 0 ? ` #${result.repeat + 1}` : ''}  ${Math.round(result.latencyMs)} ms${result.status === 'passed' ? '' : `  ${firstProblem(result)}`}`,
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
      const { getRunSummary, runResults, toJUnit, toJsonReport, attestationOf } = await load();
      const ws = await context.open(command);
      const run = getRunSummary(ws, runId(id));
      const results = runResults(ws, run.id);
      const report = reportOf(run);
      if (flags.junit) writeFileSync(resolve(io.cwd, flags.junit), await toJUnit(report, results));
      if (flags.out) writeFileSync(resolve(io.cwd, flags.out), toJsonReport(report, results, attestationOf(run)));
      context.print(
        command,
        { run: run.id, junit: flags.junit ?? null, out: flags.out ?? null },
        (value) =>
          `Exported run ${value.run}${value.junit ? ` to ${value.junit}` : ''}${value.out ? `${value.junit ? ' and' : ' to'} ${value.out}` : ''}`,
      );
    });
  runs.command('compare <earlier> <later>').action(async (earlier: string, later: string, _flags: unknown, command: Command) => {
    const { compareRuns } = await load();
    const comparison = compareRuns(await context.open(command), runId(earlier), runId(later));
    context.print(command, comparison, (value) =>
      [
        `Run ${value.earlier} → run ${value.later}`,
        `new failures: ${value.newFailures.join(', ') || 'none'}`,
        `fixed: ${value.fixes.join(', ') || 'none'}`,
        `still failing: ${value.stillFailing.join(', ') || 'none'}`,
      ].join('\n'),
    );
  });
}
