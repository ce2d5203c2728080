// The layering rule (DESIGN.md §2), in the style of VS Code's code-layering rule: each top-level
// folder has an allow-list of the folders and files of ours it may import, and any other relative
// import fails, `import type` included. Packages are left to the import-boundary rules.
import path from 'node:path';

/**
 * @typedef {{ prefix: string, typeOnly?: boolean }} Allowed
 * A path from the repository root (a folder ends in `/`); `typeOnly` allows `import type` only.
 */

/**
 * The allow-lists. A folder missing here is refused outright, so a new top-level folder must say
 * where it sits. `'*'` is tooling and tests, which may import anything.
 * @type {Record<string, readonly Allowed[] | '*'>}
 */
export const LAYERS = {
  engine: [{ prefix: 'engine/' }],
  nodes: [
    { prefix: 'nodes/' },
    // The app's version, for the User-Agent connectors send.
    { prefix: 'package.json' },
    // The engine's contracts for connectors; never its executor (engine/run/).
    { prefix: 'engine/errors.ts' },
    { prefix: 'engine/node-type.ts' },
    { prefix: 'engine/ports.ts' },
    { prefix: 'engine/http-failures.ts' },
    { prefix: 'engine/approval-evidence.ts' },
    { prefix: 'engine/expressions/' },
    { prefix: 'engine/graph/' },
  ],
  lab: [{ prefix: 'lab/' }, { prefix: 'engine/', typeOnly: true }],
  host: [{ prefix: 'host/' }, { prefix: 'engine/' }, { prefix: 'nodes/' }, { prefix: 'lab/' }],
  renderer: [{ prefix: 'renderer/' }, { prefix: 'engine/' }, { prefix: 'host/protocol/' }],
  // The shell's way into the host is its entry (host/shell-entry.ts) and the two contracts.
  electron: [{ prefix: 'electron/' }, { prefix: 'host/protocol/' }, { prefix: 'host/shell-entry.ts' }],
  bin: [{ prefix: 'bin/' }, { prefix: 'host/cli/main.ts' }],
  bench: '*',
  test: '*',
  build: '*',
  lint: '*',
  '.': '*',
};

/** Whether an import of `target` (root-relative) is allowed from `folder`'s list. */
export function allowedImport(list, target, typeOnly) {
  if (list === '*') return true;
  return list.some((entry) => (entry.prefix.endsWith('/') ? target.startsWith(entry.prefix) : target === entry.prefix) && (typeOnly || !entry.typeOnly));
}

/** The top-level folder of a root-relative path, or '.' for a file at the root. */
function folderOf(relative) {
  const slash = relative.indexOf('/');
  return slash < 0 ? '.' : relative.slice(0, slash);
}

/** Whether a declaration brings in types only: `import type`, or every specifier marked `type`. */
function isTypeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specifiers = node.specifiers ?? [];
  return specifiers.length > 0 && specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type');
}

/** @type {import('eslint').Rule.RuleModule} */
export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each top-level folder imports only what its allow-list names (DESIGN.md §2).' },
    schema: [],
    messages: {
      forbidden: '{{folder}}/ may not import {{target}}{{kind}}: it imports only {{allowed}} (lint/layering.js, DESIGN.md §2).',
      unmapped: '{{folder}}/ is not in the layering map (lint/layering.js): say which folders it may import.',
      outside: '{{source}} leaves the repository.',
    },
  },
  create(context) {
    const root = context.cwd;
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    if (file.startsWith('..')) return {};
    const folder = folderOf(file);
    const list = LAYERS[folder];
    const check = (node, source, typeOnly) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.relative(root, path.resolve(path.dirname(context.filename), source)).split(path.sep).join('/');
      if (target.startsWith('..')) {
        context.report({ node, messageId: 'outside', data: { source } });
        return;
      }
      if (list === undefined) {
        context.report({ node, messageId: 'unmapped', data: { folder } });
        return;
      }
      if (allowedImport(list, target, typeOnly)) return;
      const allowed = list.map((entry) => `${entry.prefix}${entry.typeOnly ? ' (types)' : ''}`).join(', ');
      context.report({ node, messageId: 'forbidden', data: { folder, target, kind: typeOnly ? ' (even as a type)' : '', allowed } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value, isTypeOnly(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, isTypeOnly(node)),
      ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === 'type'),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value, false),
      TSImportType: (node) => {
        const literal = node.argument?.literal ?? node.argument;
        if (literal?.type === 'Literal') check(node, literal.value, true);
      },
    };
  },
};
