import { existsSync, statSync, writeFileSync } from 'node:fs';
import { INPUT_LIMITS } from '../shared/limits';
import { basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CompareProgressEvent, ComparisonSummary } from '../shared/contract/comparing';
import type { ColumnRole } from '../shared/dataset';
import { SlipwayError } from '../shared/errors';
import type { CliContext } from './context';
import { follow } from './follow';
import { progressOutput } from './progress';
import { EXIT_CHECK_FAILED } from './io';
import { allowFrom, allowOptions, number, readText } from './options';

/** `--map column=id|ignore|var:NAME`, as many as needed. */
function mapping(text: string, previous: Record<string, ColumnRole> = {}): Record<string, ColumnRole> {
  const match = /^(.+?)=(id|ignore|var:(.+))$/.exec(text);
  if (!match) throw new SlipwayError('invalid_input', `--map takes COLUMN=id, COLUMN=ignore or COLUMN=var:NAME, not "${text}"`);
  const role: ColumnRole =
    match[2] === 'id' ? { kind: 'id' } : match[2] === 'ignore' ? { kind: 'ignore' } : { kind: 'var', name: match[3] ?? '' };
  return { ...previous, [match[1] ?? '']: role };
}

/** `slipway compare …` and `slipway dataset …`. */
export function registerCompareCommands(program: Command, context: CliContext): void {
  const { io, api, print } = context;

  allowOptions(program.command('compare <refs...>'))
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
          allowCommand?: boolean;
          allowKeys?: boolean;
          allowHosts?: boolean;
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
        // Where the report goes is checked before anything runs: a comparison is not stored only to fail at its end.
        for (const [flag, file] of [
          ['--out', flags.out],
          ['--report', flags.report],
        ] as const)
          if (file) {
            const path = resolve(io.cwd, file);
            if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory())
              throw new SlipwayError(
                'invalid_input',
                `${flag} ${file}: the folder ${dirname(path)} does not exist (create it first)`,
              );
            if (existsSync(path) && statSync(path).isDirectory())
              throw new SlipwayError('invalid_input', `${flag} ${file}: that is a folder; name a file in it`);
          }
        const client = await api(command);
        const output = progressOutput(io, context.json(command));
        let planned = false;
        let summary: ComparisonSummary;
        try {
          const { started } = await follow<CompareProgressEvent, ComparisonSummary>({
            subscribe: (listener) => context.onEvent(command, listener),
            pick: (event) =>
              event.type === 'compare.progress' ? { id: event.payload.comparisonId, payload: event.payload } : null,
            start: () =>
              client.comparisons.start({
                agent,
                refs,
                dataset: flags.dataset,
                repeat: flags.repeat,
                concurrency: flags.concurrency,
                ...(flags.suite ? { suite: flags.suite } : {}),
                ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
                allow: allowFrom(flags),
              }),
            idOf: (made) => made.id,
            cancel: async (made) => made && client.comparisons.cancel({ id: made.id }),
            onProgress: (progress) => {
              if (!planned) {
                planned = true;
                output.say(
                  `${progress.total} calls: ${refs.length} versions × ${progress.total / refs.length} (inputs × repeats) at concurrency ${flags.concurrency}`,
                );
              }
              output.show(progress.done, progress.total, `${progress.done}/${progress.total}  $${progress.costUsd.toFixed(4)}`);
            },
          });
          summary = await client.comparisons.get({ id: started.id });
        } finally {
          output.done();
        }
        if (flags.report)
          writeFileSync(
            resolve(io.cwd, flags.report),
            (await client.comparisons.report({ id: summary.id, format: 'html' })).content,
          );
        if (flags.out)
          writeFileSync(
            resolve(io.cwd, flags.out),
            (await client.comparisons.report({ id: summary.id, format: 'json' })).content,
          );
        const regressions = (summary.stats?.pairs ?? [])
          .filter((pair) => pair.significantRegression)
          .map((pair) => summary.refs[pair.candidate]?.version ?? '');
        print(command, { comparison: summary, regressions }, (value) =>
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
        const client = await api(command);
        const input = {
          fileName: basename(file),
          content: readText(io.cwd, file, INPUT_LIMITS.datasetChars),
          ...(flags.name ? { name: flags.name } : {}),
          ...(flags.map ? { mapping: flags.map } : {}),
        };
        const saved = await client.datasets.import({ agent: flags.agent, ...input, message: flags.message });
        print(
          command,
          { dataset: saved.name, revision: saved.revision, items: saved.items, columns: saved.columns },
          (value) =>
            `Imported ${value.items} items (${saved.format}) as ${flags.agent}/${value.dataset} revision ${value.revision}`,
        );
      },
    );
  dataset
    .command('from-suite <agent> <suite>')
    .description("make a dataset of a suite's case inputs")
    .option('-n, --name <name>', 'the dataset name (default: the suite name)')
    .action(async (agent: string, suiteName: string, flags: { name?: string }, command: Command) => {
      const saved = await (
        await api(command)
      ).datasets.fromSuite({ agent, suite: suiteName, ...(flags.name ? { name: flags.name } : {}) });
      print(
        command,
        { dataset: saved.name, revision: saved.revision, items: saved.items },
        (value) => `Made ${agent}/${value.dataset} revision ${value.revision} from ${value.items} cases of ${suiteName}`,
      );
    });
  dataset.command('list <agent>').action(async (agent: string, _flags: unknown, command: Command) => {
    const datasets = (await (await api(command)).datasets.list({ agent })).map((revision) => ({
      name: revision.name,
      revision: revision.revision,
      items: revision.items,
      updatedAt: revision.createdAt,
      author: revision.author,
    }));
    print(command, datasets, (value) =>
      value.length === 0
        ? 'No datasets yet. Import one with `slipway dataset import FILE --agent AGENT`.'
        : value.map((item) => `${item.name.padEnd(24)} rev ${item.revision}  ${item.items} items  ${item.author}`).join('\n'),
    );
  });
  dataset
    .command('show <agent> <name>')
    .option('--revision <n>', 'an earlier revision', number('--revision', 1, 1e9, true))
    .action(async (agent: string, name: string, flags: { revision?: number }, command: Command) => {
      const revision = await (
        await api(command)
      ).datasets.get({ agent, name, ...(flags.revision ? { revision: flags.revision } : {}) });
      print(command, { name: revision.name, revision: revision.revision, items: revision.list }, (value) =>
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
      const revision = await (await api(command)).datasets.get({ agent, name });
      const lines = `${revision.list.map((item) => JSON.stringify(item)).join('\n')}\n`;
      if (flags.output) writeFileSync(resolve(io.cwd, flags.output), lines);
      else io.stdout(lines);
    });
}
