import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../cli/program';
import { tempDir } from './workspace';

export interface CliSandbox {
  dir: string;
  env: Record<string, string>;
  /** Runs `slipway ARGV…` in-process on the sandbox's workspace: exit code, stdout, stderr. */
  run: (...argv: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
  /** Writes a file under the sandbox folder (folders made as needed); returns its path. */
  write: (name: string, content: string) => string;
  cleanup: () => void;
}

/** A temporary folder with its own workspace and HOME, and the CLI run in-process on it. */
export function cliSandbox(extraEnv: Record<string, string> = {}): CliSandbox {
  const { dir, cleanup } = tempDir();
  const env = { SLIPWAY_WORKSPACE: join(dir, 'ws'), HOME: dir, ...extraEnv };
  return {
    dir,
    env,
    run: async (...argv) => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env, cwd: dir });
      return { code, stdout, stderr };
    },
    write: (name, content) => {
      const path = join(dir, name);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, content);
      return path;
    },
    cleanup,
  };
}
