import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../support/temp-dir.ts';
import { cli, hasStackTrace, writeTiny } from './harness.ts';

describe('switchboard run: a run is either listed or refused with an error', () => {
  const dir = useTempDir('switchboard-limits-');

  it('refuses a trigger event nested 6,000 deep with exit 2 and one line naming the limit, and journals nothing', async () => {
    const file = writeTiny(dir());
    fs.writeFileSync(path.join(dir(), 'deep.json'), `${'{"n":'.repeat(6000)}1${'}'.repeat(6000)}`);
    const result = await cli(['run', file, '--event', 'deep.json', '--workspace', 'ws'], { cwd: dir() });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^switchboard: the trigger event cannot be accepted: it is nested more than 64 deep \(the limit, maxDepth\)$/);
    expect(hasStackTrace(result.stderr)).toBe(false);
    const runs = await cli(['runs', '--json', '--workspace', 'ws'], { cwd: dir() });
    expect(JSON.parse(runs.stdout)).toEqual([]);
  });
});
