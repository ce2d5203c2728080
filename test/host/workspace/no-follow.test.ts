import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPEN_CREATE, openNoFollow, pathsBelow, readFileNoFollow, refuseLinks } from '../../../host/workspace/no-follow.ts';
import { useTempDir } from '../../support/temp-dir.ts';

const dir = useTempDir('switchboard-no-follow-');

describe('pathsBelow', () => {
  it('lists every component under the root, the file included', () => {
    expect(pathsBelow('/ws', '/ws/runs/r1.jsonl')).toEqual([path.resolve('/ws/runs'), path.resolve('/ws/runs/r1.jsonl')]);
    expect(pathsBelow('/ws', '/ws')).toEqual([]);
  });

  it('refuses a path outside the root, however it is spelt', () => {
    for (const file of ['/elsewhere/x', '/ws/../etc/passwd', '/ws-other/x']) expect(() => pathsBelow('/ws', file)).toThrow('is not inside');
    expect(pathsBelow('/ws', '/ws/..hidden')).toEqual([path.resolve('/ws/..hidden')]);
  });
});

describe.runIf(process.platform !== 'win32')('no-follow file access', () => {
  it('reads plain files, and refuses a link at the file or at any folder on the way', async () => {
    const root = dir();
    fs.mkdirSync(path.join(root, 'real'));
    fs.writeFileSync(path.join(root, 'real', 'a.txt'), 'A');
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'via'));
    fs.symlinkSync(path.join(root, 'real', 'a.txt'), path.join(root, 'real', 'b.txt'));
    expect(await readFileNoFollow(root, path.join(root, 'real', 'a.txt'), 'utf8')).toBe('A');
    await expect(readFileNoFollow(root, path.join(root, 'via', 'a.txt'))).rejects.toThrow(`${path.join(root, 'via')} is a symbolic link`);
    await expect(readFileNoFollow(root, path.join(root, 'real', 'b.txt'))).rejects.toThrow(`${path.join(root, 'real', 'b.txt')} is a symbolic link`);
    await expect(refuseLinks(root, path.join(root, 'real', 'missing', 'deeper'))).resolves.toBeUndefined();
  });

  it('never creates a file through a dangling link', async () => {
    const root = dir();
    const target = path.join(root, 'target');
    fs.symlinkSync(target, path.join(root, 'dangling'));
    await expect(openNoFollow(root, path.join(root, 'dangling'), OPEN_CREATE, 0o600)).rejects.toThrow();
    expect(fs.existsSync(target)).toBe(false);
  });
});
