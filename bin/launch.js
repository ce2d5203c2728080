// Which code the `switchboard` command runs. Plain JavaScript: it must start without any compiler.
import fs from 'node:fs';
import path from 'node:path';

/**
 * The decision, from facts only: the built CLI when it is there and no source it was built from
 * has changed since; else the TypeScript sources through tsx (a working tree mid-change); else,
 * with neither, a one-line reason.
 * @param {{ built: boolean, stale: boolean, tsxInstalled: boolean }} facts
 * @returns {{ run: 'built' } | { run: 'sources' } | { run: 'none', reason: string }}
 */
export function chooseEntry({ built, stale, tsxInstalled }) {
  if (built && (!stale || !tsxInstalled)) return { run: 'built' };
  if (tsxInstalled) return { run: 'sources' };
  return { run: 'none', reason: 'dist/cli/ is not built and tsx is not installed: run npm install (its prepare step builds the CLI)' };
}

/**
 * Whether a source a build read (the `inputs.json` it writes last, see build/inputs.ts) is newer
 * than that list, or gone. A missing or unreadable list counts as stale, so the sources win
 * whenever in doubt. Serves the CLI (dist/cli) and the desktop bundles (dist/electron).
 * @param {string} builtDir the bundle's folder
 * @param {string} root the repository root the inputs are relative to
 * @returns {boolean}
 */
export function buildIsStale(builtDir, root) {
  try {
    const list = path.join(builtDir, 'inputs.json');
    const builtAt = fs.statSync(list).mtimeMs;
    /** @type {string[]} */
    const inputs = JSON.parse(fs.readFileSync(list, 'utf8'));
    return inputs.some((input) => {
      const stat = fs.statSync(path.join(root, input), { throwIfNoEntry: false });
      return stat === undefined || stat.mtimeMs > builtAt;
    });
  } catch {
    return true;
  }
}

/**
 * Whether tsx can be imported from here (a development install has it; a production one may not).
 * @returns {boolean}
 */
export function tsxInstalled() {
  try {
    import.meta.resolve('tsx/esm/api');
    return true;
  } catch {
    return false;
  }
}
