import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../shared/node/package-root';
import { tempDir } from '../test-support/workspace';

/**
 * Documents that run: every fenced shell command in README.md and docs/ runs here, in order, in
 * a sandbox of its own (the sample workspace, a real runtime where the document starts one), and
 * must end with the exit status its comment says (`# exit 1: …`, else 0). A fence that cannot run
 * here (it needs internet, Electron, docker) says so in a visible "shown, not run" line just
 * above it. The runner's liberties, all visible below: `npx` runs this checkout's bins, `$EDITOR`
 * appends a line to the file it is given, and port 8080 becomes a free port.
 */

const ROOT = packageRoot();
const SHELL_FENCES = new Set(['sh', 'bash', 'shell', 'console']);
const DOCUMENTS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

interface Fence {
  line: number;
  info: string;
  lines: Array<{ line: number; text: string }>;
  shownNotRun: boolean;
}

/** The paragraph just above a line (blank lines between skipped): where a fence's marker is written. */
function paragraphBefore(lines: string[], index: number): string {
  let end = index;
  while (end > 0 && lines[end - 1]?.trim() === '') end -= 1;
  let start = end;
  while (start > 0 && lines[start - 1]?.trim() !== '') start -= 1;
  return lines.slice(start, end).join(' ');
}

function fencesOf(document: string): Fence[] {
  const lines = readFileSync(join(ROOT, document), 'utf8').split('\n');
  const fences: Fence[] = [];
  let open: Fence | null = null;
  lines.forEach((text, index) => {
    const fence = /^```(\S*)\s*$/.exec(text);
    if (open && fence) {
      fences.push(open);
      open = null;
    } else if (fence) {
      open = {
        line: index + 1,
        info: fence[1] ?? '',
        lines: [],
        shownNotRun: /shown, not run/i.test(paragraphBefore(lines, index)),
      };
    } else if (open) open.lines.push({ line: index + 1, text });
  });
  return fences;
}

/** The commands of a shell fence, continuation lines joined, comments and blanks skipped. */
function commandsOf(fence: Fence): Array<{ line: number; text: string; exit: number }> {
  const commands: Array<{ line: number; text: string; exit: number }> = [];
  let pending: { line: number; text: string } | null = null;
  for (const { line, text } of fence.lines) {
    if (!pending && (text.trim() === '' || text.trim().startsWith('#'))) continue;
    const joined: { line: number; text: string } = pending
      ? { line: pending.line, text: `${pending.text} ${text.trim()}` }
      : { line, text };
    if (joined.text.endsWith('\\')) {
      pending = { line: joined.line, text: joined.text.slice(0, -1) };
      continue;
    }
    pending = null;
    const exit = /#\s*exit (\d)\b/.exec(joined.text);
    commands.push({ ...joined, exit: exit ? Number(exit[1]) : 0 });
  }
  return commands;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

/** Runs a document's commands as one shell session; answers each command's exit status and the session's output. */
async function runDocument(document: string, commands: Array<{ line: number; text: string }>) {
  const { dir, cleanup } = tempDir('slipway-docs-');
  cleanups.push(cleanup);
  const shims = join(dir, '.shims');
  mkdirSync(shims);
  writeFileSync(
    join(shims, 'npx'),
    `#!/bin/sh\nname="$1"; shift\ncase "$name" in slipway|slipway-runtime) exec "${process.execPath}" "${ROOT}/bin/$name.js" "$@";; esac\necho "npx $name: the documents run only slipway and slipway-runtime" >&2; exit 127\n`,
  );
  writeFileSync(join(shims, 'editor'), `#!/bin/sh\nprintf '\\nEdited by the documentation test.\\n' >> "$1"\n`);
  chmodSync(join(shims, 'npx'), 0o755);
  chmodSync(join(shims, 'editor'), 0o755);
  const sandbox = join(dir, 'sandbox');
  mkdirSync(sandbox);
  const env = {
    PATH: `${shims}:${process.env.PATH ?? ''}`,
    HOME: dir,
    SLIPWAY_WORKSPACE: join(dir, 'workspace'),
    EDITOR: join(shims, 'editor'),
    LANG: 'C.UTF-8',
  };
  // Every document but the README (which makes it itself) starts from the sample workspace.
  if (document !== 'README.md')
    expect(spawnSync(process.execPath, [join(ROOT, 'bin', 'slipway.js'), 'init', '--sample'], { env }).status).toBe(0);
  const port = String(await freePort());
  const codes = join(dir, '.codes');
  const script = [
    'set +e',
    `cd "${sandbox}"`,
    ...commands.flatMap(({ text }, index) => {
      const command = text.replace(/\b8080\b/g, port);
      const background = /(^|[^&])&\s*(#.*)?$/.test(command);
      if (!background) return [command, `echo "$?" >> "${codes}"`];
      const log = join(dir, `.background-${index}.log`);
      // A server started in the background is ready once it has said where it listens.
      return [
        `${command.replace(/&\s*(#.*)?$/, '')} > "${log}" 2>&1 &`,
        `for _ in $(seq 1 600); do grep -q listening "${log}" 2>/dev/null && break; sleep 0.05; done`,
        `grep -q listening "${log}"; echo "$?" >> "${codes}"`,
      ];
    }),
    'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null',
  ].join('\n');
  writeFileSync(join(dir, '.script.sh'), script);
  const session = spawnSync('bash', [join(dir, '.script.sh')], { env, encoding: 'utf8', timeout: 180_000 });
  const exits = existsSync(codes) ? readFileSync(codes, 'utf8').trim().split('\n').map(Number) : [];
  return { exits, output: `${session.stdout}\n${session.stderr}`, sandbox };
}

describe('the documents run', () => {
  it('puts every shell command in a shell fence: a fence without one holds no command', () => {
    for (const document of DOCUMENTS)
      for (const fence of fencesOf(document).filter((candidate) => !SHELL_FENCES.has(candidate.info)))
        for (const { line, text } of fence.lines)
          expect(/^\s*(npx |slipway |\$ |npm )/.test(text) && fence.info === '', `${document}:${line}: ${text}`).toBe(false);
  });

  const runnable = DOCUMENTS.map((document) => ({
    document,
    commands: fencesOf(document)
      .filter((fence) => SHELL_FENCES.has(fence.info) && !fence.shownNotRun)
      .flatMap(commandsOf),
  })).filter((entry) => entry.commands.length > 0);

  it('finds the commands of the README and of docs/', () => {
    expect(runnable.map((entry) => entry.document)).toEqual(expect.arrayContaining(['README.md', 'docs/file-formats.md']));
    expect(runnable.find((entry) => entry.document === 'README.md')?.commands.length).toBeGreaterThan(25);
  });

  it.each(runnable.map((entry) => [entry.document, entry.commands] as const))(
    'runs every command of %s with the exit status it documents',
    async (document, commands) => {
      const { exits, output } = await runDocument(document, commands);
      const results = commands.map(
        (command, index) => `${document}:${command.line}: exit ${exits[index] ?? 'none'}  ${command.text}`,
      );
      const expected = commands.map((command) => `${document}:${command.line}: exit ${command.exit}  ${command.text}`);
      expect(results, output.slice(-4000)).toEqual(expected);
    },
  );
});
