import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { BundlePreview } from '../shared/bundle';
import { SlipwayError } from '../shared/errors';
import type { CliContext } from './context';
import { EXIT_CHECK_FAILED } from './io';

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

/** `slipway bundle …` and `slipway keys …`: every one a call of the contract's bundles domain. */
export function registerBundleCommands(program: Command, context: CliContext): void {
  const { io, api, print } = context;
  /**
   * A .slipway file, or a bundle folder packed as one: the contract takes a bundle's bytes, and a
   * folder is read under the same limits (no links, no paths out of it) before it is packed.
   */
  const bundleBase64 = async (path: string): Promise<string> => {
    const full = resolve(io.cwd, path);
    if (!existsSync(full)) throw new SlipwayError('invalid_input', `${full} does not exist`);
    if (!statSync(full).isDirectory()) return readFileSync(full).toString('base64');
    const { readBundleEntries, zipEntries } = await import('../shared/node/bundle-archive');
    return (await zipEntries([...(await readBundleEntries(full)).entries()])).toString('base64');
  };
  const preview = async (file: string, command: Command) =>
    (await api(command)).bundles.preview({ base64: await bundleBase64(file) });

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
        if (!flags.folder && !flags.output)
          throw new SlipwayError('invalid_input', 'say where: -o FILE.slipway (or --folder DIR)');
        if (flags.output && existsSync(resolve(io.cwd, flags.output)) && !flags.force)
          throw new SlipwayError('invalid_input', `${flags.output} exists: choose another name, or --force to replace it`);
        const exported = await (
          await api(command)
        ).bundles.export({ refs, history: flags.history ?? false, evidence: flags.evidence ?? false, sign: flags.sign ?? false });
        const data = Buffer.from(exported.base64, 'base64');
        if (flags.folder) {
          const { readZipEntries, writeFolder } = await import('../shared/node/bundle-archive');
          const entries = [...(await readZipEntries(data)).entries()];
          writeFolder(resolve(io.cwd, flags.folder), entries);
          print(
            command,
            { folder: flags.folder, files: entries.length },
            (value) => `wrote ${value.files} files to ${value.folder}`,
          );
          return;
        }
        const output = flags.output ?? '';
        writeFileSync(resolve(io.cwd, output), data);
        print(
          command,
          { file: output, bytes: data.length, signed: exported.signed },
          (value) => `wrote ${value.file} (${value.bytes} bytes${value.signed ? ', signed' : ''})`,
        );
      },
    );
  bundle
    .command('inspect <file>')
    .description('what a bundle holds, whether it is signed and trusted, and what importing it would do (writes nothing)')
    .action(async (file: string, _flags: unknown, command: Command) =>
      print(command, await preview(file, command), describePreview),
    );
  bundle
    .command('verify <file>')
    .description('check every hash and the signature; exit 1 when it is not signed by a trusted key')
    .action(async (file: string, _flags: unknown, command: Command) => {
      const { signature } = await preview(file, command);
      print(
        command,
        { ok: true, signature },
        () =>
          `every hash matches; ${signature.signed ? `signed by ${signature.fingerprint}${signature.trusted ? ', trusted' : ', not trusted here'}` : 'not signed'}`,
      );
      if (!(signature.signed && signature.trusted)) context.exitWith(EXIT_CHECK_FAILED);
    });
  bundle
    .command('import <file>')
    .description('import a bundle (file or folder): all or nothing; again changes nothing')
    .option('--require-trusted', 'refuse a bundle not signed by a trusted key')
    .action(async (file: string, flags: { requireTrusted?: boolean }, command: Command) => {
      const imported = await (
        await api(command)
      ).bundles.import({ base64: await bundleBase64(file), requireTrusted: flags.requireTrusted ?? false });
      const trusted = imported.signature.signed && imported.signature.trusted;
      print(
        command,
        { added: imported.plan.add, present: imported.plan.present, manifestSha256: imported.manifestSha256, trusted },
        (value) =>
          value.added.length === 0
            ? `nothing to import: ${value.present.join(', ')} ${value.present.length === 1 ? 'is' : 'are'} already here`
            : `imported ${value.added.join(', ')}${value.present.length ? `; already here: ${value.present.join(', ')}` : ''}${
                trusted
                  ? ''
                  : `\nthe bundle is not signed by a trusted key: what it brought will not run a program, send a key or call a new host until you trust it (slipway bundle trust ${value.manifestSha256} -m WHY) or allow one run (--allow-command, --allow-keys, --allow-hosts)`
              }`,
      );
    });

  bundle
    .command('origins')
    .description('every bundle imported here: who made it, whether it is trusted, what it brought')
    .action(async (_flags: unknown, command: Command) => {
      const origins = await (await api(command)).bundles.origins({});
      print(command, origins, (list) =>
        list.length === 0
          ? 'no bundle was imported here'
          : list
              .map(
                (origin) =>
                  `${origin.manifestSha256}  ${origin.trusted ? `trusted (${origin.trustedBecause ?? ''})` : 'not trusted'}  from ${origin.workspace} (${origin.author})${origin.signedBy ? `, signed by ${origin.signedBy}` : ', unsigned'}\n  ${[...origin.versions, ...origin.suites].join(', ') || 'nothing new'}`,
              )
              .join('\n'),
      );
    });
  bundle
    .command('trust <manifest-sha256>')
    .description('trust an imported bundle: what it brought may then run programs, send keys and call its hosts')
    .requiredOption('-m, --message <why>', 'why it is trusted (kept in the audit log)')
    .action(async (sha: string, flags: { message: string }, command: Command) => {
      const origin = await (await api(command)).bundles.trustOrigin({ manifestSha256: sha, reason: flags.message });
      print(
        command,
        origin,
        (value) => `trusted the bundle of ${value.workspace} (${value.author}): ${value.versions.join(', ') || 'no versions'}`,
      );
    });

  const keys = program.command('keys').description('signing keys for bundles');
  keys
    .command('generate')
    .description('make your ed25519 signing key (kept in your config folder) and print its public key')
    .action(async (_flags: unknown, command: Command) => {
      const { own } = await (await api(command)).bundles.generateKey({});
      if (!own) throw new SlipwayError('internal', 'the signing key was made but cannot be read back');
      print(
        command,
        own,
        (value) =>
          `public key (give it to whoever imports your bundles): ${value.publicKey}\nfingerprint ${value.fingerprint}; private key at ${value.path}`,
      );
    });
  keys
    .command('show')
    .description('print your public key (to hand to whoever imports your bundles)')
    .action(async (_flags: unknown, command: Command) => {
      const { own } = await (await api(command)).bundles.keys({});
      if (!own) throw new SlipwayError('not_found', 'you have no signing key yet: `slipway keys generate` makes one');
      print(command, own, (value) => value.publicKey);
    });
  keys
    .command('trust <name> <publicKey>')
    .description('trust bundles signed by this public key in this workspace')
    .action(async (name: string, publicKey: string, _flags: unknown, command: Command) => {
      const { trusted } = await (await api(command)).bundles.trust({ name, publicKey });
      const key = trusted.find((candidate) => candidate.publicKey === publicKey);
      print(command, key, (value) => `trusted ${name} (${value?.fingerprint ?? ''})`);
    });
  keys
    .command('list')
    .description('the keys this workspace trusts')
    .action(async (_flags: unknown, command: Command) => {
      const { trusted } = await (await api(command)).bundles.keys({});
      print(command, trusted, (value) =>
        value.length === 0
          ? 'No trusted keys: `slipway keys trust NAME PUBLIC_KEY`.'
          : value.map((key) => `${key.name.padEnd(20)} ${key.fingerprint}`).join('\n'),
      );
    });
}
