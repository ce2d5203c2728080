import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { removeFileDurably, writeFileInside } from '../workspace/atomic-file.ts';
import { readFileNoFollow, refuseLinks } from '../workspace/no-follow.ts';
import type { Database } from './db/database.ts';

/**
 * The workspace in PostgreSQL (DESIGN.md §11): its files — playbook drafts, published revisions,
 * the sealed vault, bindings, settings, trigger states — as rows of `sb_workspace_files`, each
 * change numbered from one sequence. The team server writes its folder through (`push`); workers
 * and a server on a new machine read it back (`pull`) into a folder the existing workspace code
 * opens. Journals, the inbox, temp and lock files and the vault KEY are never mirrored.
 */
export interface WorkspaceMirror {
  /** Uploads files changed since the last push and deletes rows of removed files; the number of rows written. */
  push(): Promise<number>;
  /** Writes rows changed since the last pull into the folder (removing deleted files); the paths it changed. */
  pull(): Promise<string[]>;
  /** Whether the database holds a workspace yet. */
  isEmpty(): Promise<boolean>;
}

/** The channel a push announces itself on, with the newest version as payload. */
export const WORKSPACE_CHANNEL = 'sb_workspace';

/** Top-level files of a workspace that are mirrored. */
const ROOT_FILES = new Set(['vault.json', 'bindings.json', 'settings.json', 'triggers.json', 'lab.json']);
/** Folders whose `*.playbook.json` files are mirrored (published revisions included). */
const PLAYBOOK_FOLDERS = ['playbooks', 'published', path.join('published', 'revisions')];

/** Whether a workspace-relative path (with `/`) is one the mirror carries: what `pull` may write. */
export function isMirroredPath(relative: string): boolean {
  if (relative.includes('\\') || relative.split('/').some((part) => part === '' || part === '.' || part === '..')) return false;
  if (ROOT_FILES.has(relative)) return true;
  const folder = path.posix.dirname(relative);
  return PLAYBOOK_FOLDERS.map((f) => f.split(path.sep).join('/')).includes(folder) && /^[a-z0-9][a-z0-9._-]*\.playbook\.json$/i.test(path.posix.basename(relative));
}

function sha256(data: Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** The mirrored files of the folder, by relative path, with their stat stamps. */
async function scan(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const add = async (relative: string): Promise<void> => {
    const stat = await fs.promises.lstat(path.join(dir, relative)).catch(() => undefined);
    if (stat?.isFile()) found.set(relative, `${stat.size}:${stat.mtimeMs}`);
  };
  for (const name of ROOT_FILES) await add(name);
  for (const folder of PLAYBOOK_FOLDERS) {
    await refuseLinks(dir, path.join(dir, folder)).catch(() => undefined);
    const names = await fs.promises.readdir(path.join(dir, folder)).catch(() => [] as string[]);
    for (const name of names) {
      const relative = [...folder.split(path.sep), name].join('/');
      if (isMirroredPath(relative)) await add(relative);
    }
  }
  return found;
}

/** Mirrors the workspace folder `dir` to and from `db`. */
export function createWorkspaceMirror(db: Database, dir: string): WorkspaceMirror {
  /** What the folder held at the last push or pull: path → stat stamp and content hash. */
  const known = new Map<string, { stamp: string; sha: string }>();
  let pulledVersion = 0;

  const push = async (): Promise<number> => {
    const files = await scan(dir);
    const changed: Array<{ relative: string; body: Buffer | null; sha: string | null }> = [];
    for (const [relative, stamp] of files) {
      const before = known.get(relative);
      if (before?.stamp === stamp) continue;
      const body = await readFileNoFollow(dir, path.join(dir, relative)).catch(() => undefined);
      if (body === undefined) continue;
      const sha = sha256(body);
      known.set(relative, { stamp, sha });
      if (before?.sha !== sha) changed.push({ relative, body, sha });
    }
    for (const relative of [...known.keys()]) {
      if (files.has(relative)) continue;
      known.delete(relative);
      changed.push({ relative, body: null, sha: null });
    }
    if (changed.length === 0) return 0;
    await db.transaction(async (client) => {
      for (const file of changed) {
        await client.query(
          `INSERT INTO sb_workspace_files (path, body, sha256, version) VALUES ($1, $2, $3, nextval('sb_workspace_version'))
           ON CONFLICT (path) DO UPDATE SET body = EXCLUDED.body, sha256 = EXCLUDED.sha256, version = EXCLUDED.version
           WHERE sb_workspace_files.sha256 IS DISTINCT FROM EXCLUDED.sha256`,
          [file.relative, file.body, file.sha],
        );
      }
      await client.query(`SELECT pg_notify('${WORKSPACE_CHANNEL}', (SELECT coalesce(max(version), 0)::text FROM sb_workspace_files))`);
    });
    return changed.length;
  };

  const pull = async (): Promise<string[]> => {
    const rows = await db.query<{ path: string; body: Buffer | null; sha256: string | null; version: string }>(
      'SELECT path, body, sha256, version FROM sb_workspace_files WHERE version > $1 ORDER BY version',
      [pulledVersion],
    );
    const changed: string[] = [];
    for (const row of rows) {
      pulledVersion = Math.max(pulledVersion, Number(row.version));
      if (!isMirroredPath(row.path)) continue;
      const file = path.join(dir, ...row.path.split('/'));
      if (known.get(row.path)?.sha === row.sha256) continue;
      if (row.body === null) {
        await removeFileDurably(file).catch(() => undefined);
        known.delete(row.path);
      } else {
        await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
        await writeFileInside(dir, file, row.body, row.path === 'vault.json' ? 0o600 : undefined);
        const stat = await fs.promises.lstat(file);
        known.set(row.path, { stamp: `${stat.size}:${stat.mtimeMs}`, sha: row.sha256 ?? sha256(row.body) });
      }
      changed.push(row.path);
    }
    return changed;
  };

  return {
    push,
    pull,
    isEmpty: async () => (await db.query('SELECT 1 FROM sb_workspace_files WHERE body IS NOT NULL LIMIT 1')).length === 0,
  };
}
