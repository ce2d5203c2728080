import fs from 'node:fs';
import path from 'node:path';
import type * as esbuild from 'esbuild';

/** Lets bundled ESM code use `require` for the CommonJS packages esbuild inlines. */
export const REQUIRE_BANNER =
  "import { createRequire as __switchboardCreateRequire } from 'node:module'; const require = __switchboardCreateRequire(import.meta.url);";

/**
 * Our modules find files beside their source (`new URL('../package.json', import.meta.url)`,
 * the shipped playbooks). In a bundle each module's `import.meta.url` is rewritten to the URL
 * its source file would have (every bundle sits two folders below the root: dist/<name>/), so
 * those paths resolve the same from the repository, dist/ and app.asar. Modules under
 * `keepFolders` keep the bundle's own URL (the desktop shell finds its preload beside itself).
 */
export function sourceRelativeImportMeta(root: string, keepFolders: readonly string[] = []): esbuild.Plugin {
  return {
    name: 'source-relative-import-meta',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
        const relative = path.relative(root, args.path).split(path.sep).join('/');
        const source = await fs.promises.readFile(args.path, 'utf8');
        const kept = relative.startsWith('..') || relative.startsWith('node_modules/') || keepFolders.some((folder) => relative.startsWith(folder));
        if (kept || !source.includes('import.meta.url')) return undefined;
        const url = `new URL(${JSON.stringify(relative)}, new URL('../../', import.meta.url)).href`;
        return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}
