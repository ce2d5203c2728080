import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * Registers a fresh temporary directory per test (`beforeEach`), removed after it (`afterEach`),
 * and returns its accessor. Call it before any `beforeEach` that reads the directory.
 */
export function useTempDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(() => {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => {
    if (dir === undefined) throw new Error('the temporary directory exists only inside a test or its hooks');
    return dir;
  };
}
