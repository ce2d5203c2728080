import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStaleTemp, STALE_TEMP_MS, tempFileOwner, tempPathFor } from '../../../host/workspace/atomic-file.ts';

describe('temp files of atomic writes', () => {
  it('are recognised by their name, with the pid of their writer', () => {
    expect(tempFileOwner(path.basename(tempPathFor('/ws/playbooks/tiny.playbook.json')))).toBe(process.pid);
    expect(tempFileOwner('.vault.json.4242.0a1b2c3d.tmp')).toBe(4242);
    for (const name of ['vault.json.4242.0a1b2c3d.tmp', '.vault.json.4242.0A1B2C3D.tmp', '.vault.json.4242.0a1b2c3.tmp', '.vault.json.0.0a1b2c3d.tmp', '.4242.0a1b2c3d.tmp', '.notes.tmp']) {
      expect(tempFileOwner(name)).toBeUndefined();
    }
  });

  it('are stale when their writer is gone, or when older than any write takes; a live writer keeps a fresh one', () => {
    const alive = (pid: number) => pid === 7;
    expect(isStaleTemp(8, 1_000, alive)).toBe(true);
    expect(isStaleTemp(7, 1_000, alive)).toBe(false);
    expect(isStaleTemp(7, STALE_TEMP_MS + 1, alive)).toBe(true);
    expect(isStaleTemp(process.pid, 1_000, () => false)).toBe(false);
  });
});
