import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The snapshot of dist/renderer the servers of this test run serve. */
    rendererDir: string;
  }
}

const BUILT = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));

/** The asset files index.html loads (`./assets/…`). */
function assetsOf(indexHtml: string): string[] {
  return [...indexHtml.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((match) => match[1] as string);
}

/**
 * Copies the renderer that `npm run test:e2e` just built into a private folder for this run, so
 * another build of dist/renderer meanwhile (a developer's, a benchmark's) cannot change or
 * empty it under the tests. Fails with a sentence when there is no complete build.
 */
export default function setup(project: TestProject): () => void {
  const index = path.join(BUILT, 'index.html');
  if (!fs.existsSync(index)) throw new Error(`${index} does not exist: build the renderer first (npm run test:e2e does: vite build).`);
  const snapshot = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-e2e-renderer-'));
  fs.cpSync(BUILT, snapshot, { recursive: true });
  const html = fs.readFileSync(path.join(snapshot, 'index.html'), 'utf8');
  const missing = assetsOf(html).filter((asset) => !fs.existsSync(path.join(snapshot, asset)));
  if (missing.length > 0) {
    fs.rmSync(snapshot, { recursive: true, force: true });
    throw new Error(`dist/renderer is incomplete (${missing.join(', ')} missing): was it being rebuilt? Run npm run test:e2e again.`);
  }
  project.provide('rendererDir', snapshot);
  return () => fs.rmSync(snapshot, { recursive: true, force: true });
}
