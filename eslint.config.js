import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layeringRule } from './lint/layering.js';

/**
 * Import boundaries (DESIGN.md §2). engine/ is pure TypeScript and nodes/ is the connector
 * library: neither touches the desktop shell, the UI or the disk, and the engine does no I/O at
 * all — it arrives through injected ports. Each group matches the bare name, the `node:` form and
 * any subpath (`fs/promises`, `react-dom/client`).
 */
const SHELL_AND_UI = {
  regex: '^(electron|react|react-dom)(/.*)?$',
  message: 'engine/ and nodes/ never import the desktop shell or the UI; the renderer talks to the host over the protocol.',
};
const DISK_AND_SOCKETS = {
  regex: '^(node:)?(fs|net)(/.*)?$',
  message: 'engine/ and nodes/ do no disk or socket I/O; it comes in through injected ports (journal, vault, http).',
};
const RAW_HTTP = {
  regex: '^(node:)?(http|https|http2)(/.*)?$',
  message: 'Use the injected http port (engine) or ctx.http (connectors) so timeouts, TLS, size caps and aborts apply.',
};
const ENGINE_ONLY = {
  regex: '^(axios(/.*)?|(node:)?child_process)$',
  message: 'engine/ is pure: HTTP and processes belong to nodes/ and host/, reached through injected ports.',
};

/**
 * Turns pattern groups into the rules that enforce them: static imports and re-exports, dynamic
 * `import('…')` (not covered by no-restricted-imports), and `require`/`createRequire`.
 */
function boundary(groups, extraSyntax = []) {
  const dynamic = groups.map((group) => ({
    // esquery regexes cannot contain a literal slash, so spell it as \x2F.
    selector: `ImportExpression[source.value=/${group.regex.replaceAll('/', '\\x2F')}/]`,
    message: group.message,
  }));
  return {
    'no-restricted-imports': ['error', { patterns: groups }],
    'no-restricted-syntax': [
      'error',
      ...dynamic,
      {
        selector: "CallExpression[callee.name='createRequire']",
        message: 'createRequire side-steps the import boundaries of engine/ and nodes/.',
      },
      ...extraSyntax,
    ],
    'no-restricted-globals': [
      'error',
      { name: 'require', message: 'ESM only; `require` side-steps the import boundaries.' },
    ],
  };
}

const NODES_GROUPS = [SHELL_AND_UI, DISK_AND_SOCKETS, RAW_HTTP];
const ENGINE_GROUPS = [SHELL_AND_UI, DISK_AND_SOCKETS, RAW_HTTP, ENGINE_ONLY];

export default defineConfig(
  globalIgnores(['node_modules/', 'dist/', 'coverage/', 'bench/node-red/', 'schema/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Which of our folders each folder may import: one allow-list per top-level folder.
    plugins: { switchboard: { rules: { layering: layeringRule } } },
    rules: { 'switchboard/layering': 'error' },
  },
  {
    files: ['nodes/**'],
    rules: boundary(NODES_GROUPS),
  },
  {
    // The keep-alive agents handed to axios are the one place a connector touches node:http(s).
    files: ['nodes/sdk/http-agents.ts'],
    rules: boundary([SHELL_AND_UI, DISK_AND_SOCKETS]),
  },
  {
    // Electron main does windows, menus, dialogs and safeStorage, and forks the host (DESIGN.md §1):
    // the engine, the connectors and the lab run only in the host process.
    files: ['electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)(engine|nodes|lab)/', message: 'electron/ never loads the engine, connectors or lab: they run in the host process.' }] },
      ],
    },
  },
  {
    // The preload runs in the sandboxed renderer, where only Electron's renderer modules exist.
    files: ['electron/preload.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!electron$|\\.\\./host/protocol/shell-api\\.ts$)', message: 'The sandboxed preload imports only electron and the shell contract (host/protocol/shell-api.ts).' }] },
      ],
    },
  },
  {
    files: ['engine/**'],
    rules: {
      ...boundary(ENGINE_GROUPS, [
        {
          selector: "ImportExpression[source.type!='Literal']",
          message: 'engine/ imports only named modules, so its import boundaries can be checked.',
        },
      ]),
      'no-restricted-globals': [
        'error',
        { name: 'require', message: 'ESM only; `require` side-steps the import boundaries.' },
        { name: 'fetch', message: 'engine/ does no I/O: HTTP comes through the injected http port.' },
        { name: 'XMLHttpRequest', message: 'engine/ does no I/O: HTTP comes through the injected http port.' },
        { name: 'WebSocket', message: 'engine/ does no I/O: sockets belong to host/.' },
      ],
    },
  },
);
