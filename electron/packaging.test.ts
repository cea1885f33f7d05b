import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv from 'ajv';
import { minimatch } from 'minimatch';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../workspace/paths';

const root = packageRoot();
const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8')) as {
  npmRebuild: boolean;
  files: string[];
  asarUnpack: string[];
  protocols: Array<{ schemes: string[] }>;
  linux: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
};
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

/** Whether electron-builder's files patterns take a path (later patterns win; ! excludes). */
function packaged(path: string): boolean {
  let taken = false;
  for (const pattern of config.files) {
    if (pattern.startsWith('!')) {
      if (minimatch(path, pattern.slice(1), { dot: true })) taken = false;
    } else if (minimatch(path, pattern, { dot: true })) taken = true;
  }
  return taken;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|tsx)$/.test(file) && !/\.test\.tsx?$/.test(file))
    .map((file) => join(dir, file));
}

/** The npm packages a folder's code imports (bare specifiers, by package name). */
function importedPackages(dirs: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of dirs.flatMap(sourceFiles)) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const match of [
      ...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm),
      ...text.matchAll(/import\(\s*'([^']+)'\s*\)/g),
    ]) {
      const specifier = match[1] ?? '';
      if (specifier.startsWith('.') || !/^(@[a-z0-9._-]+\/)?[a-z0-9._-]+(\/.*)?$/.test(specifier)) continue;
      names.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? specifier));
    }
  }
  return names;
}

function pngSize(file: string): number {
  const png = PNG.sync.read(readFileSync(join(root, file)));
  expect(png.width, file).toBe(png.height);
  return png.width;
}

describe('the packaging configuration (electron-builder.json)', () => {
  it("is valid by electron-builder's own schema and builds AppImage and deb, dmg, and nsis, never rebuilding native modules", () => {
    const schema = JSON.parse(readFileSync(join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const { $schema: _schema, ...rest } = config as unknown as Record<string, unknown>;
    expect(validate(rest), JSON.stringify(validate.errors)).toBe(true);
    expect(config.npmRebuild).toBe(false);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.protocols.flatMap((protocol) => protocol.schemes)).toEqual(['slipway']);
    expect(manifest.scripts.dist).toMatch(/build:electron-sqlite.*electron-builder --config electron-builder\.json/);
  });

  it('packs the built app, its migrations and resources and the Electron build of better-sqlite3 (unpacked from the asar), and no sources, maps or Node-ABI binary', () => {
    for (const path of [
      manifest.main,
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'out/renderer/assets/index-Byphe4Iv.js',
      'workspace/migrations/0010-init.sql',
      'resources/samples/samples.json',
      'resources/schemas/config.yaml.schema.json',
      'resources/prices.json',
      'native/electron/better_sqlite3.node',
      'package.json',
    ]) {
      expect(packaged(path), path).toBe(true);
    }
    for (const path of [
      'workspace/workspace.ts',
      'renderer/app/App.tsx',
      'shared/manifest.ts',
      'out/main/index.js.map',
      'out/cli/slipway.js',
      'e2e/workbench.spec.ts',
      'bench/store.ts',
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'resources/icons/icon.icns',
    ]) {
      expect(packaged(path), path).toBe(false);
    }
    expect(config.asarUnpack.some((pattern) => minimatch('native/electron/better_sqlite3.node', pattern))).toBe(true);
  });

  it('keeps renderer-only packages out of the packaged node_modules: none of them is a runtime dependency', () => {
    const nodeSide = importedPackages(['electron', 'workspace', 'hosts', 'cli', 'shared', 'runtime']);
    const rendererOnly = [...importedPackages(['renderer'])].filter((name) => !nodeSide.has(name));
    expect(rendererOnly).toEqual(expect.arrayContaining(['react', 'monaco-editor', 'zustand']));
    expect(rendererOnly.filter((name) => name in manifest.dependencies)).toEqual([]);
    expect(rendererOnly.filter((name) => !(name in manifest.devDependencies))).toEqual([]);
    expect(Object.keys(manifest.dependencies)).not.toContain('electron');
  });

  it('packs every package the Node side imports (main, the services, shared code) as a runtime dependency', () => {
    const nodeSide = [...importedPackages(['workspace', 'hosts', 'electron/main', 'shared'])].filter(
      (name) => name !== 'electron',
    );
    expect(nodeSide.filter((name) => !(name in manifest.dependencies))).toEqual([]);
  });

  it('has the icons every target needs: PNGs 16–1024 for Linux, an .ico with 16–256 and an .icns with 16–1024', () => {
    const linux = readdirSync(join(root, config.linux.icon)).filter((file) => file.endsWith('.png'));
    const sizes = linux.map((file) => {
      const size = pngSize(join(config.linux.icon, file));
      expect(file).toBe(`${size}x${size}.png`);
      return size;
    });
    expect(sizes.sort((a, b) => a - b)).toEqual([16, 24, 32, 48, 64, 128, 256, 512, 1024]);

    const ico = readFileSync(join(root, config.win.icon));
    expect(ico.readUInt16LE(2)).toBe(1);
    const entries = Array.from({ length: ico.readUInt16LE(4) }, (_, index) => {
      const at = 6 + 16 * index;
      const data = ico.subarray(ico.readUInt32LE(at + 12), ico.readUInt32LE(at + 12) + ico.readUInt32LE(at + 8));
      return PNG.sync.read(data).width;
    });
    expect(entries).toEqual([16, 24, 32, 48, 64, 128, 256]);

    const icns = readFileSync(join(root, config.mac.icon));
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const chunks: number[] = [];
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4))
      chunks.push(PNG.sync.read(icns.subarray(at + 8, at + icns.readUInt32BE(at + 4))).width);
    expect(chunks).toEqual([16, 32, 64, 128, 256, 512, 1024]);
    expect(relative(root, join(root, config.mac.icon))).toMatch(/^resources\//);
  });
});
