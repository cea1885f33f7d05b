import { Command, InvalidArgumentError } from 'commander';
import { envSecrets } from '../shared/engine/secrets';
import { SlipwayError } from '../shared/errors';
import { nodePlatform } from '../shared/node/platform';
import { pooledFetch } from '../shared/node/pooled-fetch';
import { loadPrices } from '../shared/node/prices';
import { Role } from '../shared/release/protocol';
import type { EgressPolicy } from '../shared/release/policy';
import { guardedLookup } from './egress';
import { DEFAULT_BODY_LIMITS, DEFAULT_BUCKET_MS, DEFAULT_HELD_BODIES_LIMIT, startRuntime, tokenEvent } from './server';
import { openRuntimeStore, type RuntimeStore } from './store';

function whole(label: string, least = 0) {
  return (text: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < least)
      throw new InvalidArgumentError(`${label} must be a whole number of at least ${least}`);
    return value;
  };
}
const collect = (value: string, previous: string[]) => [...previous, value];

/** `NAME=HOST[:PORT]`: the key NAME may be sent to HOST. */
function keyBinding(text: string, previous: Record<string, string[]>): Record<string, string[]> {
  const match = /^([A-Z][A-Z0-9_]*)=(\S+)$/.exec(text);
  if (!match?.[1] || !match[2])
    throw new InvalidArgumentError(`--bind-key takes NAME=HOST[:PORT] (the secret's name as config.yaml says it), not "${text}"`);
  return { ...previous, [match[1]]: [...(previous[match[1]] ?? []), match[2]] };
}

/** An expiry: an ISO time, or a duration from now (`90d`, `12h`, `30m`). */
function expiry(text: string): string {
  const duration = /^(\d+)([dhm])$/.exec(text);
  if (duration) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[duration[2] as 'd' | 'h' | 'm'];
    return new Date(Date.now() + Number(duration[1]) * unit).toISOString();
  }
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}/.test(text))
    throw new InvalidArgumentError(
      `--expires takes an ISO time (2027-01-31T00:00:00Z) or a duration (90d, 12h, 30m), not "${text}"`,
    );
  return new Date(at).toISOString();
}

/** Runs a command on the data folder's store; a refusal is said in one line (exit 2), not as a stack. */
function withStore(dir: string, run: (store: RuntimeStore) => void): void {
  const store = openRuntimeStore(dir);
  try {
    run(store);
  } catch (error) {
    if (!(error instanceof SlipwayError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  } finally {
    store.close();
  }
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
  .option(
    '--evaluation-interval-ms <ms>',
    'how often guardrails and plans are judged',
    whole('--evaluation-interval-ms', 1),
    5000,
  )
  .option('--flush-ms <ms>', 'how often metrics are written to the database', whole('--flush-ms', 1), 200)
  .option('--bucket-ms <ms>', 'width of a metrics bucket', whole('--bucket-ms', 100), DEFAULT_BUCKET_MS)
  .option('--metrics-retention-hours <h>', 'how long metrics buckets are kept', whole('--metrics-retention-hours', 1), 168)
  .option('--allow-command <path>', 'a program the command provider may run, exactly as a version names it (repeat)', collect, [])
  .option('--allow-host <host[:port]>', 'a host provider URLs may point to: host, host:port, *.domain or * (repeat)', collect, [])
  .option('--allow-private-network', 'let versions call loopback and private addresses (a runtime on your own machine)', false)
  .option(
    '--bind-key <NAME=HOST[:PORT]>',
    'the only hosts key NAME is sent to (repeat; a key with no binding is never sent)',
    keyBinding,
    {},
  )
  .option(
    '--max-traffic-body <bytes>',
    'largest chat or invoke body',
    whole('--max-traffic-body', 1),
    DEFAULT_BODY_LIMITS.traffic,
  )
  .option('--max-upload-body <bytes>', 'largest version upload', whole('--max-upload-body', 1), DEFAULT_BODY_LIMITS.upload)
  .option(
    '--max-command-body <bytes>',
    'largest command or setting body',
    whole('--max-command-body', 1),
    DEFAULT_BODY_LIMITS.command,
  )
  .option(
    '--max-held-bodies <bytes>',
    'most bytes of request bodies held at once, all requests together (past it: 503)',
    whole('--max-held-bodies', 1),
    DEFAULT_HELD_BODIES_LIMIT,
  )
  .action(
    async (flags: {
      data: string;
      port: number;
      host: string;
      evaluationIntervalMs: number;
      flushMs: number;
      bucketMs: number;
      metricsRetentionHours: number;
      allowCommand: string[];
      allowHost: string[];
      allowPrivateNetwork: boolean;
      bindKey: Record<string, string[]>;
      maxTrafficBody: number;
      maxUploadBody: number;
      maxCommandBody: number;
      maxHeldBodies: number;
    }) => {
      const policy: EgressPolicy = {
        commands: flags.allowCommand,
        hosts: flags.allowHost,
        privateNetwork: flags.allowPrivateNetwork,
        keys: flags.bindKey,
      };
      const base = nodePlatform(envSecrets(process.env));
      const runtime = await startRuntime({
        dir: flags.data,
        port: flags.port,
        host: flags.host,
        platform: { ...base, fetch: pooledFetch({ lookup: guardedLookup(policy) }) },
        notify: base.fetch,
        prices: loadPrices(),
        evaluationIntervalMs: flags.evaluationIntervalMs,
        flushMs: flags.flushMs,
        bucketMs: flags.bucketMs,
        metricsRetentionMs: flags.metricsRetentionHours * 3_600_000,
        policy,
        bodyLimits: { traffic: flags.maxTrafficBody, upload: flags.maxUploadBody, command: flags.maxCommandBody },
        heldBodiesLimit: flags.maxHeldBodies,
      });
      process.stdout.write(`slipway-runtime listening on ${runtime.url} (data: ${flags.data})\n`);
      const stop = () => void runtime.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
  );

const token = program.command('token').description('tokens of the runtime: create, list, revoke');
token
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
  .option('--name <name>', 'who or what the token is for (the actor of what it does)', 'unnamed')
  .option('--expires <when>', 'when it stops working: an ISO time or a duration from now (90d, 12h, 30m)', expiry)
  .action((flags: { data: string; role: Role; name: string; expires?: string }) =>
    withStore(flags.data, (store) => {
      const made = store.createToken(flags.role, flags.name, flags.expires ?? null);
      tokenEvent(store, 'token-created', made.info, 'operator');
      process.stdout.write(`${made.token}\n`);
    }),
  );
token
  .command('list')
  .description('the tokens: id, role, name, created, expires, revoked (never their values)')
  .requiredOption('--data <dir>', 'the folder holding the runtime database')
  .option('--json', 'as JSON')
  .action((flags: { data: string; json?: boolean }) =>
    withStore(flags.data, (store) => {
      const tokens = store.tokens();
      if (flags.json) return void process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
      if (tokens.length === 0) return void process.stdout.write('no tokens yet: make one with `slipway-runtime token create`\n');
      for (const info of tokens)
        process.stdout.write(
          `${info.id}  ${info.role.padEnd(8)}  ${info.name}  created ${info.createdAt}${info.expiresAt ? `  expires ${info.expiresAt}` : ''}${info.revokedAt ? `  REVOKED ${info.revokedAt}` : ''}\n`,
        );
    }),
  );
token
  .command('revoke')
  .description('revoke a token by id (or a unique prefix): refused from its next request on')
  .argument('<id>', 'the id `token list` shows')
  .requiredOption('--data <dir>', 'the folder holding the runtime database')
  .action((id: string, flags: { data: string }) =>
    withStore(flags.data, (store) => {
      const found = store.revokeToken(id);
      if (!found) {
        process.stderr.write(`no token has an id starting ${id} (see \`slipway-runtime token list\`)\n`);
        process.exitCode = 1;
        return;
      }
      const { info } = found;
      if (!found.revoked)
        return void process.stdout.write(
          `${info.id} (${info.role}, ${info.name}) was already revoked at ${info.revokedAt ?? '?'}\n`,
        );
      tokenEvent(store, 'token-revoked', info, 'operator');
      process.stdout.write(`revoked ${info.id} (${info.role}, ${info.name})\n`);
    }),
  );
program
  .command('backup')
  .description('copy the runtime database, consistently, while it serves (restore: stop it, put the copy back as runtime.db)')
  .requiredOption('--data <dir>', 'the folder holding the runtime database')
  .requiredOption('--to <file>', 'where the copy goes')
  .action(async (flags: { data: string; to: string }) => {
    const store = openRuntimeStore(flags.data);
    try {
      await store.backup(flags.to);
      process.stdout.write(`backed up ${flags.data} to ${flags.to}\n`);
    } finally {
      store.close();
    }
  });

await program.parseAsync(process.argv);
