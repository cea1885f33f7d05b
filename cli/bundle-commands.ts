import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SlipwayError } from '../shared/errors';
import type { BundlePreview } from '../shared/bundle';
import { EXIT_CHECK_FAILED } from './io';
import type { CliContext } from './testing-commands';

function describePreview(preview: BundlePreview): string {
  const signature = preview.signature.signed
    ? `signed by key ${preview.signature.fingerprint}${preview.signature.trusted ? ` (trusted: ${preview.signature.trustedAs ?? ''})` : ' (NOT trusted here)'}`
    : 'not signed';
  return [
    `bundle from ${preview.manifest.exportedFrom.workspace} by ${preview.manifest.exportedFrom.author}, ${preview.manifest.createdAt}; ${signature}`,
    ...preview.manifest.versions.map(
      (version) => `  ${version.agent}@${version.semver}  ${version.hash.slice(0, 12)}  ${version.message}`,
    ),
    ...(preview.plan.add.length ? [`new here: ${preview.plan.add.join(', ')}`] : []),
    ...(preview.plan.present.length ? [`already here: ${preview.plan.present.join(', ')}`] : []),
    ...preview.plan.labels.map((label) => `label: ${label}`),
    ...(preview.manifest.evidence.length
      ? [`evidence: ${preview.plan.evidence.add.length} new, ${preview.plan.evidence.present.length} already here`]
      : []),
    ...preview.plan.conflicts.map((conflict) => `conflict: ${conflict}`),
  ].join('\n');
}

/** `slipway bundle …` and `slipway keys …`. */
export function registerBundleCommands(program: Command, context: CliContext): void {
  const { io } = context;
  const load = () => import('../workspace/bundles/bundles');
  const loadKeys = () => import('../workspace/bundles/signing');
  /** A .slipway file as bytes, or a bundle folder as its path. */
  const source = (path: string): Buffer | string => {
    const full = resolve(io.cwd, path);
    if (!existsSync(full)) throw new SlipwayError('invalid_input', `${full} does not exist`);
    return statSync(full).isDirectory() ? full : readFileSync(full);
  };

  const inspect = async (file: string, command: Command) =>
    (await load()).inspectBundle(await context.open(command), source(file));

  const bundle = program
    .command('bundle')
    .description('versions as one verified file (or a folder): export, import, inspect, verify');
  bundle
    .command('export <refs...>')
    .description('write versions (AGENT@1.2.0, AGENT@production…) to a .slipway file, or with --folder as plain files')
    .option('-o, --output <file>', 'the .slipway file to write')
    .option('--folder <dir>', 'write a plain folder instead (one folder per version and a manifest)')
    .option('--history', 'every version of the agents named (name agents, not versions)')
    .option('--evidence', "add the agents' suites, and the runs and comparison reports of the exported versions")
    .option('--sign', 'sign the manifest with your key (`slipway keys generate`)')
    .option('--force', 'replace the output file if it exists')
    .action(
      async (
        refs: string[],
        flags: { output?: string; folder?: string; sign?: boolean; history?: boolean; evidence?: boolean; force?: boolean },
        command: Command,
      ) => {
        const [{ exportBundle, exportFolder }, { signingKey }] = await Promise.all([load(), loadKeys()]);
        const ws = await context.open(command);
        const options = {
          history: flags.history ?? false,
          evidence: flags.evidence ?? false,
          ...(flags.sign ? { signWith: signingKey(io.env) } : {}),
        };
        if (flags.folder) {
          const written = exportFolder(ws, refs, resolve(io.cwd, flags.folder), options);
          context.print(
            command,
            { folder: flags.folder, files: written.length },
            (value) => `wrote ${value.files} files to ${value.folder}`,
          );
          return;
        }
        if (!flags.output) throw new SlipwayError('invalid_input', 'say where: -o FILE.slipway (or --folder DIR)');
        if (existsSync(resolve(io.cwd, flags.output)) && !flags.force)
          throw new SlipwayError('invalid_input', `${flags.output} exists: choose another name, or --force to replace it`);
        const { data } = await exportBundle(ws, refs, options);
        writeFileSync(resolve(io.cwd, flags.output), data);
        context.print(
          command,
          { file: flags.output, bytes: data.length, signed: Boolean(flags.sign) },
          (value) => `wrote ${value.file} (${value.bytes} bytes${value.signed ? ', signed' : ''})`,
        );
      },
    );
  bundle
    .command('inspect <file>')
    .description('what a bundle holds, whether it is signed and trusted, and what importing it would do (writes nothing)')
    .action(async (file: string, _flags: unknown, command: Command) =>
      context.print(command, await inspect(file, command), describePreview),
    );
  bundle
    .command('verify <file>')
    .description('check every hash and the signature; exit 1 when it is not signed by a trusted key')
    .action(async (file: string, _flags: unknown, command: Command) => {
      const preview = await inspect(file, command);
      context.print(
        command,
        { ok: true, signature: preview.signature },
        () =>
          `every hash matches; ${preview.signature.signed ? `signed by ${preview.signature.fingerprint}${preview.signature.trusted ? ', trusted' : ', not trusted here'}` : 'not signed'}`,
      );
      if (!(preview.signature.signed && preview.signature.trusted)) context.exitWith(EXIT_CHECK_FAILED);
    });
  bundle
    .command('import <file>')
    .description('import a bundle (file or folder): all or nothing; again changes nothing')
    .option('--require-trusted', 'refuse a bundle not signed by a trusted key')
    .action(async (file: string, flags: { requireTrusted?: boolean }, command: Command) => {
      const { importBundle } = await load();
      const preview = await importBundle(await context.open(command), source(file), {
        requireTrusted: flags.requireTrusted ?? false,
      });
      context.print(command, { added: preview.plan.add, present: preview.plan.present }, (value) =>
        value.added.length === 0
          ? `nothing to import: ${value.present.join(', ')} ${value.present.length === 1 ? 'is' : 'are'} already here`
          : `imported ${value.added.join(', ')}${value.present.length ? `; already here: ${value.present.join(', ')}` : ''}`,
      );
    });

  const keys = program.command('keys').description('signing keys for bundles');
  keys
    .command('generate')
    .description('make your ed25519 signing key (kept in your config folder) and print its public key')
    .action(async (_flags: unknown, command: Command) => {
      const { generateSigningKey } = await loadKeys();
      const made = generateSigningKey(io.env);
      context.print(
        command,
        made,
        (value) =>
          `public key (give it to whoever imports your bundles): ${value.publicKey}\nfingerprint ${value.fingerprint}; private key at ${value.path}`,
      );
    });
  keys
    .command('trust <name> <publicKey>')
    .description('trust bundles signed by this public key in this workspace')
    .action(async (name: string, publicKey: string, _flags: unknown, command: Command) => {
      const { trustKey } = await loadKeys();
      const key = trustKey(await context.open(command), name, publicKey);
      context.print(command, key, (value) => `trusted ${value.name} (${value.fingerprint})`);
    });
  keys
    .command('list')
    .description('the keys this workspace trusts')
    .action(async (_flags: unknown, command: Command) => {
      const { trustedKeys } = await loadKeys();
      const list = trustedKeys(await context.open(command));
      context.print(command, list, (value) =>
        value.length === 0
          ? 'No trusted keys: `slipway keys trust NAME PUBLIC_KEY`.'
          : value.map((key) => `${key.name.padEnd(20)} ${key.fingerprint}`).join('\n'),
      );
    });
}
