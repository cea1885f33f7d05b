import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const node = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'url',
  'http',
  'https',
  'net',
  'stream',
  'worker_threads',
  'util',
  'events',
];
const pattern = (group, message) => ({ group, message });

/** The layering of STYLE.md: which folder may import what. */
const layers = [
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/node/**', 'shared/**/*.test.ts'],
    patterns: [
      pattern(node, 'shared/ runs in browsers too: pass platform capabilities in instead of importing Node.'),
      pattern(['**/node/**', '**/shared/node'], 'shared/ may not import shared/node/.'),
      pattern(['electron', 'electron/**', '**/electron/**'], 'shared/ may not import Electron or electron/.'),
      pattern(['react', 'react-dom', 'react/**', '**/renderer/**'], 'shared/ may not import React or the renderer.'),
      pattern(['**/runtime/**'], 'shared/ may not import runtime/.'),
      pattern(['**/workspace/**', '**/hosts/**', '**/cli/**'], 'shared/ may not import the Node programs built on it.'),
    ],
  },
  {
    files: ['shared/node/**/*.ts'],
    ignores: ['**/*.test.ts'],
    patterns: [
      pattern(['electron', '**/electron/**'], 'shared/node may not import Electron or electron/.'),
      pattern(['**/renderer/**'], 'shared/node may not import the renderer.'),
      pattern(
        ['**/runtime/**', '**/workspace/**', '**/hosts/**', '**/cli/**'],
        'shared/node is shared by the Node programs; it imports none of them.',
      ),
    ],
  },
  {
    files: ['workspace/**/*.ts'],
    ignores: ['**/*.test.ts'],
    patterns: [
      pattern(
        ['electron', '**/electron/**'],
        "workspace/ never imports Electron, so tests and the CLI run exactly the app's code.",
      ),
      pattern(['**/renderer/**'], 'workspace/ may not import the renderer.'),
      pattern(['**/runtime/**'], 'workspace/ may not import runtime/: it speaks to a runtime through shared/release/client.'),
      pattern(
        ['**/hosts/**', '**/cli/**'],
        'workspace/ is the back end: its front ends (hosts/, cli/) call it, never the other way.',
      ),
      pattern(['**/test-support/**'], 'production code never imports test helpers.'),
    ],
  },
  {
    files: ['hosts/**/*.ts'],
    ignores: ['**/*.test.ts'],
    patterns: [
      pattern(['electron', '**/electron/**'], 'hosts/ run without Electron: the browser host and serve are plain Node.'),
      pattern(['**/renderer/**'], 'hosts/ serve the built renderer; they never import it.'),
      pattern(['**/runtime/**', '**/cli/**'], 'hosts/ may not import runtime/ or cli/.'),
      pattern(['**/test-support/**'], 'production code never imports test helpers.'),
    ],
  },
  {
    files: ['cli/**/*.ts'],
    ignores: ['**/*.test.ts'],
    patterns: [
      pattern(
        ['**/workspace/**', '!**/workspace/connect'],
        'the CLI is a client: it reaches the services through connect() (workspace/connect.ts), never a store or a service.',
      ),
      pattern(['**/hosts/**', '!**/hosts/serve'], 'the CLI starts the browser host through hosts/serve only.'),
      pattern(['**/release/client'], 'the CLI reaches a runtime through the contract (release.*), never the runtime client.'),
      pattern(['**/node/sqlite', 'better-sqlite3'], 'the CLI reaches the database only through the contract.'),
      pattern(['electron', '**/electron/**', '**/renderer/**', '**/runtime/**'], 'the CLI imports none of the other programs.'),
      pattern(['**/test-support/**'], 'production code never imports test helpers.'),
    ],
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    ignores: ['**/*.test.ts'],
    patterns: [
      pattern(['**/renderer/**'], 'main and preload may not import the renderer.'),
      pattern(['**/test-support/**'], 'production code never imports test helpers.'),
    ],
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['**/*.test.ts'],
    patterns: [
      pattern(node, 'the renderer has no Node: call the Node side through the API client.'),
      pattern(['electron', '**/electron/**'], 'the renderer reaches the Node side only through the API client.'),
      pattern(['**/shared/node/**'], 'the renderer may not import shared/node/.'),
      pattern(['**/runtime/**'], 'the renderer may not import runtime/.'),
    ],
  },
  {
    files: ['runtime/**/*.ts'],
    ignores: ['**/*.test.ts'],
    patterns: [
      pattern(['electron', '**/electron/**'], 'runtime/ may not import Electron or electron/.'),
      pattern(['**/renderer/**'], 'runtime/ may not import the renderer.'),
      pattern(
        ['**/workspace/**', '**/hosts/**', '**/cli/**'],
        'runtime/ is its own program: it shares only shared/ with the app.',
      ),
    ],
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'native/**', 'bench/.peers/**', 'e2e/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  ...layers.map(({ files, ignores, patterns }) => ({
    files,
    ignores,
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  })),
  {
    // shared/ compiles with the DOM lib for the Web APIs Node shares (fetch, URL, AbortSignal);
    // the browser-only globals stay out.
    files: ['shared/**/*.ts'],
    ignores: ['shared/node/**', 'shared/**/*.test.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...[
          'window',
          'document',
          'navigator',
          'localStorage',
          'sessionStorage',
          'location',
          'process',
          'Buffer',
          'require',
          '__dirname',
        ].map((name) => ({
          name,
          message: `shared/ runs in Node and browsers: ${name} exists in only one of them`,
        })),
      ],
    },
  },
  {
    // no-restricted-imports sees static imports only; the CLI loads what it needs when a command
    // runs (`await import(...)`), so its layering is checked on those too.
    files: ['cli/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression[source.value=/\\/workspace\\/(?!connect$)/]',
          message:
            'the CLI is a client: it reaches the services through connect() (workspace/connect.ts), never a store or a service.',
        },
        {
          selector: 'ImportExpression[source.value=/\\/hosts\\/(?!serve$)/]',
          message: 'the CLI starts the browser host through hosts/serve only.',
        },
        {
          selector: 'ImportExpression[source.value=/(release\\/client|\\/runtime\\/|electron|renderer|sqlite)/]',
          message: 'the CLI reaches a runtime and the database only through the contract.',
        },
      ],
    },
  },
);
