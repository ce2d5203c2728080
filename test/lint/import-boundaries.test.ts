import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

const READS_DISK = "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n";

/** The rule ids ESLint reports for `code` as if it lived at `filePath` in the repo. */
async function ruleIds(code: string, filePath: string): Promise<(string | null)[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result?.messages.map((message) => message.ruleId) ?? [];
}

describe('import boundaries (DESIGN.md §2)', () => {
  it('stops engine/ from importing node:fs', async () => {
    expect(await ruleIds(READS_DISK, 'engine/x.ts')).toContain('no-restricted-imports');
  });

  it('stops nodes/ from importing node:fs', async () => {
    expect(await ruleIds(READS_DISK, 'nodes/virustotal/x.ts')).toContain('no-restricted-imports');
  });

  it('lets host/ import node:fs', async () => {
    expect(await ruleIds(READS_DISK, 'host/x.ts')).toEqual([]);
  });

  it('catches a dynamic import of a restricted module', async () => {
    const code = "export const load = () => import('fs/promises');\n";
    expect(await ruleIds(code, 'engine/x.ts')).toContain('no-restricted-syntax');
  });

  it('keeps axios out of engine/ but allows it in nodes/', async () => {
    const code = "import axios from 'axios';\nexport const client = axios;\n";
    expect(await ruleIds(code, 'engine/x.ts')).toContain('no-restricted-imports');
    expect(await ruleIds(code, 'nodes/sdk/x.ts')).toEqual([]);
  });

  it('lets only nodes/sdk/http-agents.ts import node:http', async () => {
    const code = "import { Agent } from 'node:http';\nexport const agent = new Agent({ keepAlive: true });\n";
    expect(await ruleIds(code, 'nodes/sdk/http-agents.ts')).toEqual([]);
    expect(await ruleIds(code, 'nodes/sdk/x.ts')).toContain('no-restricted-imports');
    expect(await ruleIds(code, 'engine/x.ts')).toContain('no-restricted-imports');
  });
});
