import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../shared/node/package-root';

describe('npm start', () => {
  it('serves the same app in a browser where Electron cannot run, saying why in one line, until Ctrl+C', async () => {
    const home = mkdtempSync(join(tmpdir(), 'slipway-start-'));
    try {
      // SLIPWAY_START=browser takes the path a machine without Electron's binary takes, here and on a machine that has one.
      const { SLIPWAY_WORKSPACE: _named, ...inherited } = process.env;
      const child = spawn(process.execPath, [join(packageRoot(), 'scripts', 'start.mjs')], {
        env: { ...inherited, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), SLIPWAY_START: 'browser', DISPLAY: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL within 150 s:\n${stdout}\n${stderr}`)), 150_000);
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const found = /^Open (http:\/\/\S+)$/m.exec(stdout)?.[1];
          if (found) {
            clearTimeout(timer);
            resolve(found);
          }
        });
        child.on('exit', (code) => reject(new Error(`npm start ended (${code}) before serving:\n${stderr}`)));
      });
      expect(stderr.split('\n')[0]).toBe('slipway: SLIPWAY_START=browser: serving the app in your browser');
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"');
      // The same app's first start: the default workspace, with the sample agents.
      expect(existsSync(join(home, '.config', 'Slipway', 'workspace', 'slipway.db'))).toBe(true);
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 180_000);
});
