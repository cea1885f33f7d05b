import { Command, InvalidArgumentError } from 'commander';
import { envSecrets } from '../shared/engine/secrets';
import { nodePlatform } from '../shared/node/platform';
import { loadPrices } from '../shared/node/prices';
import { Role } from '../shared/release/protocol';
import { startRuntime } from './server';
import { openRuntimeStore } from './store';

function whole(label: string) {
  return (text: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(`${label} must be a whole number`);
    return value;
  };
}

const program = new Command('slipway-runtime').description(
  'The reference Slipway agent runtime: serves agents, canaries and shadows, and rolls back on its own.',
);
program
  .command('serve')
  .description('serve traffic and commands on a port, state under --data')
  .requiredOption('--data <dir>', 'the folder holding the runtime database')
  .option('--port <n>', 'the port (0: any free one)', whole('--port'), 8080)
  .option('--host <address>', 'the address to listen on', '127.0.0.1')
  .option('--evaluation-interval-ms <ms>', 'how often guardrails and plans are judged', whole('--evaluation-interval-ms'), 5000)
  .option('--flush-ms <ms>', 'how often served requests are written to the database', whole('--flush-ms'), 200)
  .action(async (flags: { data: string; port: number; host: string; evaluationIntervalMs: number; flushMs: number }) => {
    const prices = loadPrices();
    const runtime = await startRuntime({
      dir: flags.data,
      port: flags.port,
      host: flags.host,
      platform: nodePlatform(envSecrets(process.env)),
      prices,
      evaluationIntervalMs: flags.evaluationIntervalMs,
      flushMs: flags.flushMs,
    });
    process.stdout.write(`slipway-runtime listening on ${runtime.url} (data: ${flags.data})\n`);
    const stop = () => void runtime.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
program
  .command('token')
  .description('tokens of the runtime')
  .command('create')
  .description('make a token and print it once (the runtime keeps only its hash)')
  .requiredOption('--data <dir>', 'the folder holding the runtime database')
  .requiredOption(
    '--role <role>',
    'invoker (traffic), viewer (read), deployer (commands) or admin (tokens, plans, guardrails)',
    (text) => {
      const parsed = Role.safeParse(text);
      if (!parsed.success) throw new InvalidArgumentError('--role is invoker, viewer, deployer or admin');
      return parsed.data;
    },
  )
  .option('--name <name>', 'who or what the token is for', 'unnamed')
  .action((flags: { data: string; role: Role; name: string }) => {
    const store = openRuntimeStore(flags.data);
    try {
      process.stdout.write(`${store.createToken(flags.role, flags.name)}\n`);
    } finally {
      store.close();
    }
  });

await program.parseAsync(process.argv);
