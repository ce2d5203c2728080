import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { allowedImport, LAYERS } from '../../lint/layering.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The layering messages ESLint reports for `code` as if it lived at `filePath` in the repo. */
async function layering(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result?.messages.filter((message) => message.ruleId === 'switchboard/layering').map((message) => message.message) ?? [];
}

describe('the layering rule (DESIGN.md §2)', () => {
  it('fails a lab twin that imports connector code, naming the folder and the file', async () => {
    const messages = await layering("import { parseXml } from '../../nodes/sdk/xml.ts';\nexport const read = parseXml;\n", 'lab/twins/x.ts');
    expect(messages).toEqual([expect.stringMatching(/^lab\/ may not import nodes\/sdk\/xml\.ts: it imports only lab\/, engine\/ \(types\)/)]);
  });

  it('counts `import type` too, except where the list allows types only', async () => {
    expect(await layering("import type { CatalogueEntry } from '../../nodes/sdk/catalogue.ts';\nexport type E = CatalogueEntry;\n", 'renderer/panels/x.ts')).toEqual([
      expect.stringContaining('(even as a type)'),
    ]);
    expect(await layering("import type { Playbook } from '../engine/format/playbook.ts';\nexport type P = Playbook;\n", 'lab/x.ts')).toEqual([]);
    expect(await layering("import { loadPlaybook } from '../engine/format/load.ts';\nexport const load = loadPlaybook;\n", 'lab/x.ts')).toHaveLength(1);
  });

  it("keeps connectors out of the engine's executor, and the engine out of everything of ours", async () => {
    expect(await layering("import { nextRetry } from '../../engine/run/retry.ts';\nexport const n = nextRetry;\n", 'nodes/sdk/x.ts')).toHaveLength(1);
    expect(await layering("import { NodeError } from '../../engine/errors.ts';\nexport const e = NodeError;\n", 'nodes/sdk/x.ts')).toEqual([]);
    expect(await layering("import { startLab } from '../host/lab/lab.ts';\nexport const s = startLab;\n", 'engine/x.ts')).toHaveLength(1);
  });

  it('catches re-exports, dynamic imports and import() types', async () => {
    expect(await layering("export { startServer } from '../host/server/server.ts';\n", 'electron/x.ts')).toHaveLength(1);
    expect(await layering("export const load = () => import('../host/server/server.ts');\n", 'electron/x.ts')).toHaveLength(1);
    expect(await layering("export type S = import('../../host/server/server.ts').ServerOptions;\n", 'renderer/rpc/x.ts')).toHaveLength(1);
  });

  it('lets the shell reach the host only through its entry and the protocol contract', async () => {
    expect(await layering("import { pickStaticFile } from '../host/shell-entry.ts';\nexport const p = pickStaticFile;\n", 'electron/x.ts')).toEqual([]);
    expect(await layering("import { pickStaticFile } from '../host/server/static-files.ts';\nexport const p = pickStaticFile;\n", 'electron/x.ts')).toHaveLength(1);
  });

  it('refuses every relative import from a top-level folder the map does not know', async () => {
    expect(await layering("import { x } from '../engine/x.ts';\nexport const y = x;\n", 'newfolder/x.ts')).toEqual([expect.stringContaining('not in the layering map')]);
  });

  it('leaves packages to the import-boundary rules, and lets tests and tools import anything', async () => {
    expect(await layering("import { z } from 'zod';\nexport const s = z;\n", 'engine/x.ts')).toEqual([]);
    expect(await layering("import { startLab } from '../../host/lab/lab.ts';\nexport const s = startLab;\n", 'test/x/x.ts')).toEqual([]);
    expect(LAYERS.test).toBe('*');
    expect(allowedImport(LAYERS.renderer ?? [], 'host/protocol/contract.ts', false)).toBe(true);
    expect(allowedImport(LAYERS.renderer ?? [], 'host/host.ts', true)).toBe(false);
  });
});
