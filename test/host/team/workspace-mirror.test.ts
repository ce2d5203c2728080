import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import type { Database } from '../../../host/team/db/database.ts';
import { createWorkspaceMirror, isMirroredPath } from '../../../host/team/workspace-mirror.ts';
import { describeWithPostgres, useMigratedDatabase } from '../../support/postgres.ts';
import { useTempDir } from '../../support/temp-dir.ts';

it('carries playbooks, published revisions, the sealed vault and settings — never the key, journals or the inbox', () => {
  for (const yes of ['playbooks/a.playbook.json', 'published/revisions/a.r2.playbook.json', 'vault.json', 'bindings.json', 'triggers.json', 'settings.json']) expect(isMirroredPath(yes), yes).toBe(true);
  for (const no of ['vault.key', 'runs/r1.jsonl', 'inbox/events.jsonl', '../etc/passwd', 'playbooks/../vault.key', 'playbooks/a.playbook.json.tmp', 'playbooks\\a.playbook.json', '/vault.json']) {
    expect(isMirroredPath(no), no).toBe(false);
  }
});

describeWithPostgres('the workspace mirror', () => {
  const database = useMigratedDatabase();
  const temp = useTempDir('sb-mirror-');
  let db: Database;
  beforeEach(() => {
    db = database.db();
  });

  const write = (dir: string, relative: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.writeFileSync(path.join(dir, relative), text);
  };

  it('writes the server folder through to a worker folder: new, changed and deleted files', async () => {
    const server = path.join(temp(), 'server');
    const worker = path.join(temp(), 'worker');
    write(server, 'playbooks/a.playbook.json', '{"id":"a"}');
    write(server, 'published/revisions/a.r1.playbook.json', '{"id":"a","revision":1}');
    write(server, 'vault.json', '{"sealed":true}');
    write(server, 'vault.key', 'the key never leaves');
    write(server, 'runs/r1.jsonl', '{}');
    const up = createWorkspaceMirror(db, server);
    const down = createWorkspaceMirror(db, worker);
    expect(await down.isEmpty()).toBe(true);
    expect(await up.push()).toBe(3);
    expect(await up.push()).toBe(0);
    expect((await down.pull()).sort()).toEqual(['playbooks/a.playbook.json', 'published/revisions/a.r1.playbook.json', 'vault.json']);
    expect(fs.readFileSync(path.join(worker, 'vault.json'), 'utf8')).toBe('{"sealed":true}');
    expect(fs.statSync(path.join(worker, 'vault.json')).mode & 0o077).toBe(0);
    expect(fs.existsSync(path.join(worker, 'vault.key'))).toBe(false);
    expect(fs.existsSync(path.join(worker, 'runs'))).toBe(false);

    write(server, 'playbooks/a.playbook.json', '{"id":"a","revision":2}');
    fs.rmSync(path.join(server, 'published/revisions/a.r1.playbook.json'));
    expect(await up.push()).toBe(2);
    expect((await down.pull()).sort()).toEqual(['playbooks/a.playbook.json', 'published/revisions/a.r1.playbook.json']);
    expect(fs.readFileSync(path.join(worker, 'playbooks/a.playbook.json'), 'utf8')).toBe('{"id":"a","revision":2}');
    expect(fs.existsSync(path.join(worker, 'published/revisions/a.r1.playbook.json'))).toBe(false);
    expect(await down.pull()).toEqual([]);
  });

  it('announces each push so workers pull at once', async () => {
    const server = path.join(temp(), 'server');
    write(server, 'bindings.json', '{}');
    const heard: string[] = [];
    const unlisten = await db.listen('sb_workspace', (payload) => heard.push(payload));
    await createWorkspaceMirror(db, server).push();
    for (let i = 0; i < 100 && heard.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await unlisten();
    expect(heard).toHaveLength(1);
    expect(Number(heard[0])).toBeGreaterThan(0);
  });

  it('never writes a row outside the mirrored files, whoever wrote it into the table', async () => {
    const worker = path.join(temp(), 'worker');
    await db.query("INSERT INTO sb_workspace_files (path, body, sha256, version) VALUES ('../escape.json', 'x', 'x', nextval('sb_workspace_version'))");
    await db.query("INSERT INTO sb_workspace_files (path, body, sha256, version) VALUES ('vault.key', 'x', 'x', nextval('sb_workspace_version'))");
    expect(await createWorkspaceMirror(db, worker).pull()).toEqual([]);
    expect(fs.existsSync(path.join(temp(), 'escape.json'))).toBe(false);
    expect(fs.existsSync(path.join(worker, 'vault.key'))).toBe(false);
  });
});
