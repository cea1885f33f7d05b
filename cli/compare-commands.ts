import { readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ColumnRole } from '../shared/dataset';
import { SlipwayError } from '../shared/errors';
import { EXIT_CHECK_FAILED } from './io';
import { number } from './options';
import type { CliContext } from './testing-commands';

/** The modules behind these commands, loaded when one runs. */
async function load() {
  const [comparing, services, datasets, suites, dataset, platform, secrets, testFiles, prices, importer] = await Promise.all([
    import('../workspace/comparing/compare-refs'),
    import('../workspace/comparing/handlers'),
    import('../workspace/comparing/datasets'),
    import('../workspace/testing/suites'),
    import('../shared/dataset'),
    import('../shared/node/platform'),
    import('../shared/engine/secrets'),
    import('../workspace/testing/test-files'),
    import('../shared/node/prices'),
    import('../shared/suite-import'),
  ]);
  return {
    ...comparing,
    ...services,
    ...datasets,
    ...suites,
    ...dataset,
    ...platform,
    ...secrets,
    ...testFiles,
    ...prices,
    ...importer,
  };
}

/** `--map column=id|ignore|var:NAME`, as many as needed. */
function mapping(text: string, previous: Record<string, ColumnRole> = {}): Record<string, ColumnRole> {
  const match = /^(.+?)=(id|ignore|var:(.+))$/.exec(text);
  if (!match) throw new SlipwayError('invalid_input', `--map takes COLUMN=id, COLUMN=ignore or COLUMN=var:NAME, not "${text}"`);
  const role: ColumnRole =
    match[2] === 'id' ? { kind: 'id' } : match[2] === 'ignore' ? { kind: 'ignore' } : { kind: 'var', name: match[3] ?? '' };
  return { ...previous, [match[1] ?? '']: role };
}

function readFile(io: CliContext['io'], file: string): string {
  try {
    return readFileSync(resolve(io.cwd, file), 'utf8');
  } catch {
    throw new SlipwayError('invalid_input', `cannot read ${resolve(io.cwd, file)}`);
  }
}

/** `slipway compare …` and `slipway dataset …`. */
export function registerCompareCommands(program: Command, context: CliContext): void {
  const { io } = context;

  program
    .command('compare <refs...>')
    .description(
      'run 2 to 5 versions (the first is the baseline) on a dataset and measure the difference; exit 1 with --fail-on-regression when one is significant',
    )
    .requiredOption('-d, --dataset <name>', 'the dataset of inputs')
    .option('-s, --suite <name>', "grade with a suite's assertions (cases matched by id, plus its defaults)")
    .option('-r, --repeat <k>', 'runs of each input on each version', number('--repeat', 1, 20, true), 1)
    .option('-c, --concurrency <n>', 'calls in flight at once', number('--concurrency', 1, 64, true), 4)
    .option('--seed <n>', 'seed of the bootstrap intervals, to reproduce a report', number('--seed', 0, 2 ** 31 - 1, true))
    .option('--report <file.html>', 'write a self-contained HTML report')
    .option('--out <file.json>', 'write the whole comparison as JSON')
    .option('--fail-on-regression', 'exit 1 when a version passes significantly less often than the baseline')
    .action(
      async (
        refs: string[],
        flags: {
          dataset: string;
          suite?: string;
          repeat: number;
          concurrency: number;
          seed?: number;
          report?: string;
          out?: string;
          failOnRegression?: boolean;
        },
        command: Command,
      ) => {
        const agents = new Set(refs.map((ref) => ref.split('@')[0]));
        if (refs.some((ref) => !ref.includes('@')) || agents.size !== 1)
          throw new SlipwayError(
            'invalid_input',
            'give refs of one agent, each as AGENT@VERSION|LABEL|latest|draft (the first is the baseline)',
          );
        const agent = [...agents][0] ?? '';
        const { compareRefs, comparisonReport, nodePlatform, envSecrets, loadPrices } = await load();
        const ws = await context.open(command);
        const tty = io.isTTY && !context.json(command);
        let lastShown = -1;
        const controller = new AbortController();
        const cancel = () => controller.abort();
        process.once('SIGINT', cancel);
        let summary: Awaited<ReturnType<typeof compareRefs>>;
        try {
          summary = await compareRefs(
            ws,
            {
              agent,
              refs,
              dataset: flags.dataset,
              suite: flags.suite,
              repeat: flags.repeat,
              concurrency: flags.concurrency,
              seed: flags.seed,
            },
            {
              platform: nodePlatform(envSecrets(io.env)),
              prices: loadPrices(),
              signal: controller.signal,
              onComparison: (_id, total) => {
                if (!context.json(command))
                  io.stderr(
                    `${total} calls: ${refs.length} versions × ${total / refs.length} (inputs × repeats) at concurrency ${flags.concurrency}\n`,
                  );
              },
              onProgress: (progress) => {
                const percent = Math.floor((progress.done / progress.total) * 100);
                if (tty) io.stderr(`\r\x1b[K${progress.done}/${progress.total}  $${progress.costUsd.toFixed(4)}`);
                else if (!context.json(command) && Math.floor(percent / 25) > Math.floor(lastShown / 25))
                  io.stderr(`${progress.done}/${progress.total} done\n`);
                lastShown = percent;
              },
            },
          );
        } finally {
          process.removeListener('SIGINT', cancel);
          if (tty) io.stderr('\r\x1b[K');
        }
        if (flags.report) writeFileSync(resolve(io.cwd, flags.report), comparisonReport(ws, summary.id, 'html').content);
        if (flags.out) writeFileSync(resolve(io.cwd, flags.out), comparisonReport(ws, summary.id, 'json').content);
        const regressions = (summary.stats?.pairs ?? [])
          .filter((pair) => pair.significantRegression)
          .map((pair) => summary.refs[pair.candidate]?.version ?? '');
        context.print(command, { comparison: summary, regressions }, (value) =>
          [
            ...(value.comparison.stats?.pairs ?? []).map((pair) => pair.summary),
            ...(value.comparison.stats?.pairs ?? []).map((pair) => {
              const verdicts = Object.entries(pair.verdicts)
                .map(([verdict, count]) => `${count} ${verdict}`)
                .join(', ');
              // Once a difference is significant, how many cases a 5-point drop would need is beside the point.
              const hint =
                pair.pAdjusted >= 0.05 && pair.sampleSize.more > 0
                  ? `; ${pair.sampleSize.more} more cases needed to detect a 5-point drop`
                  : '';
              return `  ${value.comparison.refs[pair.candidate]?.version}: ${verdicts}${hint}`;
            }),
            ...(value.comparison.status === 'finished'
              ? []
              : [`comparison ${value.comparison.status}: the figures cover what finished`]),
            `comparison ${value.comparison.id} stored${flags.report ? `; report: ${flags.report}` : ''}`,
            ...(value.regressions.length > 0 ? [`significant regression: ${value.regressions.join(', ')}`] : []),
          ].join('\n'),
        );
        if (flags.failOnRegression && regressions.length > 0) context.exitWith(EXIT_CHECK_FAILED);
      },
    );

  const dataset = program
    .command('dataset')
    .description("an agent's datasets of sample inputs: import, from-suite, list, show, export");
  dataset
    .command('import <file>')
    .description('import a JSONL or CSV file as a dataset (its next revision): whole, or nothing')
    .requiredOption('-a, --agent <name>', 'the agent the dataset belongs to')
    .option('-n, --name <name>', 'the dataset name (default: from the file)')
    .option('--map <column=role>', 'CSV: what a column is: id, ignore or var:NAME (repeatable)', mapping)
    .option('-m, --message <text>', 'why this revision', 'imported')
    .action(
      async (
        file: string,
        flags: { agent: string; name?: string; map?: Record<string, ColumnRole>; message: string },
        command: Command,
      ) => {
        const { importDataset, saveDataset, suiteNameFromFile } = await load();
        const imported = importDataset(basename(file), readFile(io, file), flags.name ?? suiteNameFromFile(file), flags.map);
        const saved = saveDataset(await context.open(command), flags.agent, imported.dataset, flags.message);
        context.print(
          command,
          { dataset: saved.name, revision: saved.revision, items: saved.items, columns: imported.columns },
          (value) =>
            `Imported ${value.items} items (${imported.format}) as ${flags.agent}/${value.dataset} revision ${value.revision}`,
        );
      },
    );
  dataset
    .command('from-suite <agent> <suite>')
    .description("make a dataset of a suite's case inputs")
    .option('-n, --name <name>', 'the dataset name (default: the suite name)')
    .action(async (agent: string, suiteName: string, flags: { name?: string }, command: Command) => {
      const { getSuite, datasetFromSuite, saveDataset } = await load();
      const ws = await context.open(command);
      const suite = getSuite(ws, agent, suiteName);
      const saved = saveDataset(
        ws,
        agent,
        datasetFromSuite(suite.suite, flags.name ?? suiteName),
        `from suite ${suiteName} revision ${suite.revision}`,
      );
      context.print(
        command,
        { dataset: saved.name, revision: saved.revision, items: saved.items },
        (value) => `Made ${agent}/${value.dataset} revision ${value.revision} from ${value.items} cases of ${suiteName}`,
      );
    });
  dataset.command('list <agent>').action(async (agent: string, _flags: unknown, command: Command) => {
    const { listDatasets } = await load();
    const datasets = listDatasets(await context.open(command), agent).map((revision) => ({
      name: revision.name,
      revision: revision.revision,
      items: revision.items,
      updatedAt: revision.createdAt,
      author: revision.author,
    }));
    context.print(command, datasets, (value) =>
      value.length === 0
        ? 'No datasets yet. Import one with `slipway dataset import FILE --agent AGENT`.'
        : value.map((item) => `${item.name.padEnd(24)} rev ${item.revision}  ${item.items} items  ${item.author}`).join('\n'),
    );
  });
  dataset
    .command('show <agent> <name>')
    .option('--revision <n>', 'an earlier revision', number('--revision', 1, 1e9, true))
    .action(async (agent: string, name: string, flags: { revision?: number }, command: Command) => {
      const { getDataset } = await load();
      const revision = getDataset(await context.open(command), agent, name, flags.revision);
      context.print(command, { name: revision.name, revision: revision.revision, items: revision.dataset.items }, (value) =>
        [
          `${value.name} revision ${value.revision}: ${value.items.length} items`,
          ...value.items.slice(0, 20).map((item) => `  ${item.id}  ${JSON.stringify(item.vars ?? item.messages)}`),
          ...(value.items.length > 20 ? [`  … ${value.items.length - 20} more`] : []),
        ].join('\n'),
      );
    });
  dataset
    .command('export <agent> <name>')
    .description('write a dataset as JSONL (one item a line)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (agent: string, name: string, flags: { output?: string }, command: Command) => {
      const { getDataset } = await load();
      const ws = await context.open(command);
      const lines = `${getDataset(ws, agent, name)
        .dataset.items.map((item) => JSON.stringify(item))
        .join('\n')}\n`;
      if (flags.output) writeFileSync(resolve(io.cwd, flags.output), lines);
      else io.stdout(lines);
    });
}
