import fs from 'node:fs';
import path from 'node:path';
import { DEVICE_NAME_MESSAGE } from '../../engine/format/device-names.ts';
import { loadPlaybook } from '../../engine/format/load.ts';
import type { Playbook } from '../../engine/format/playbook.ts';
import type { NodeRegistry } from '../../engine/node-type.ts';
import { formatProblem, hasErrors } from '../../engine/validate/problems.ts';
import type { Problem } from '../../engine/validate/problems.ts';
import { HostError } from '../protocol/host-error.ts';
import { createSerialQueue, removeFileDurably, writeFileInside } from './atomic-file.ts';
import { lstatNoFollow, readFileNoFollow, readJsonObjectNoFollow, refuseLinks } from './no-follow.ts';
import { idOfFileName, isPlaybookId, newPlaybook, PLAYBOOK_ID, playbookFileName, playbookText, uniqueSlug } from './playbook-text.ts';

/** A playbook file of the workspace as last read: the playbook (when its schema holds) and every problem. */
export interface WorkspacePlaybook {
  id: string;
  playbook?: Playbook;
  problems: Problem[];
  /** The revision on disk, also for a file too broken to load (0 when it has none). */
  revision: number;
  updatedAt: number;
}

/** Slot → credential id, per playbook id. */
export type Bindings = Record<string, Record<string, string>>;

/**
 * A workspace folder: `playbooks/<id>.playbook.json`, `runs/` (the journal), `vault.json`,
 * `vault.key`, `bindings.json` and `settings.json`. Every write is atomic, and no file or folder
 * in it is read or written through a symbolic link (a shared folder could point one anywhere).
 */
export interface Workspace {
  readonly dir: string;
  readonly playbooksDir: string;
  listPlaybooks(): Promise<WorkspacePlaybook[]>;
  /** NOT_FOUND when there is no such playbook. */
  readPlaybook(id: string): Promise<WorkspacePlaybook>;
  /** A playbook that can run: NOT_FOUND, or INVALID_PLAYBOOK naming its first error. */
  runnablePlaybook(id: string): Promise<Playbook>;
  /** The file exactly as it is on disk. */
  readPlaybookText(id: string): Promise<string>;
  /** Saves (creating or replacing) with `revision` bumped; CONFLICT when `expectedRevision` is stale. */
  savePlaybook(raw: unknown, expectedRevision?: number): Promise<{ playbook: Playbook; problems: Problem[] }>;
  createPlaybook(name: string): Promise<Playbook>;
  renamePlaybook(id: string, name: string): Promise<Playbook>;
  duplicatePlaybook(id: string, name?: string): Promise<Playbook>;
  deletePlaybook(id: string): Promise<void>;
  /** Checks an in-memory playbook as a save would, without saving it. */
  checkPlaybook(raw: unknown): { playbook?: Playbook; problems: Problem[] };
  bindings(playbookId: string): Record<string, string>;
  bind(playbookId: string, slot: string, credentialId: string | null): Promise<void>;
  /** Drops every binding to a credential (it was deleted). */
  unbindCredential(credentialId: string): Promise<void>;
}

/** Files of the workspace, by role. */
export function workspacePaths(dir: string) {
  return {
    playbooks: path.join(dir, 'playbooks'),
    vault: path.join(dir, 'vault.json'),
    bindings: path.join(dir, 'bindings.json'),
    settings: path.join(dir, 'settings.json'),
  };
}

/** The JSON of a workspace file, pretty and ending in a newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Opens a workspace folder (creating it when missing). Playbooks are validated with `registry` on
 * load and on save; a save of an invalid playbook is kept (work is never lost) and its problems returned.
 */
export async function openWorkspace(dir: string, registry: NodeRegistry): Promise<Workspace> {
  const paths = workspacePaths(dir);
  await fs.promises.mkdir(paths.playbooks, { recursive: true });
  let bindings = await readBindings(dir, paths.bindings);
  const cache = new Map<string, { mtimeMs: number; size: number; loaded: WorkspacePlaybook }>();
  const serial = createSerialQueue();
  const fileOf = (id: string): string => {
    if (!PLAYBOOK_ID.test(id)) throw new HostError('INVALID_PARAMS', `id: ${JSON.stringify(id.slice(0, 120))} is not a playbook id (a slug)`);
    if (!isPlaybookId(id)) throw new HostError('INVALID_PARAMS', `id: ${id} ${DEVICE_NAME_MESSAGE}`);
    return path.join(paths.playbooks, playbookFileName(id));
  };

  const readPlaybook = async (id: string): Promise<WorkspacePlaybook> => {
    const file = fileOf(id);
    const stat = await lstatNoFollow(dir, file).catch(notFound(id));
    const cached = cache.get(id);
    if (cached !== undefined && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.loaded;
    const text = await readFileNoFollow(dir, file, 'utf8');
    const loaded = { ...loadText(id, text, registry), updatedAt: Math.round(stat.mtimeMs) };
    cache.set(id, { mtimeMs: stat.mtimeMs, size: stat.size, loaded });
    return loaded;
  };

  const ids = async (): Promise<string[]> => {
    await refuseLinks(dir, paths.playbooks);
    const names = await fs.promises.readdir(paths.playbooks).catch(() => [] as string[]);
    return names.map(idOfFileName).filter((id): id is string => id !== undefined).sort();
  };

  const exists = (id: string): boolean => fs.existsSync(fileOf(id));

  const write = async (playbook: Playbook): Promise<void> => {
    await writeFileInside(dir, fileOf(playbook.id), playbookText(playbook));
    cache.delete(playbook.id);
  };

  const writeBindings = async (next: Bindings): Promise<void> => {
    await writeFileInside(dir, paths.bindings, jsonText(next));
    bindings = next;
  };

  const checkPlaybook = (raw: unknown) => checkRaw(raw, registry);

  const savePlaybook = (raw: unknown, expectedRevision?: number) =>
    serial(async () => {
      const checked = checkPlaybook(raw);
      if (checked.playbook === undefined) throw invalid(checked.problems);
      const { playbook } = checked;
      const current = exists(playbook.id) ? await readPlaybook(playbook.id) : undefined;
      const revision = current?.revision ?? 0;
      if (expectedRevision !== undefined && expectedRevision !== revision) {
        throw new HostError(
          'CONFLICT',
          current === undefined
            ? `playbook ${playbook.id} no longer exists; it was deleted after revision ${expectedRevision}`
            : `playbook ${playbook.id} is at revision ${revision}, not ${expectedRevision}: it was saved elsewhere since you opened it`,
        );
      }
      const saved = { ...playbook, revision: revision + 1 };
      await write(saved);
      return { playbook: saved, problems: checked.problems };
    });

  const mutate = (id: string, change: (playbook: Playbook) => Playbook) =>
    serial(async () => {
      const loaded = await readPlaybook(id);
      if (loaded.playbook === undefined) throw invalid(loaded.problems);
      const next = { ...change(loaded.playbook), revision: loaded.revision + 1 };
      await write(next);
      return next;
    });

  return {
    dir,
    playbooksDir: paths.playbooks,
    listPlaybooks: async () => {
      const loaded = await Promise.all((await ids()).map((id) => readPlaybook(id).catch(() => undefined)));
      return loaded.filter((p): p is WorkspacePlaybook => p !== undefined);
    },
    readPlaybook,
    runnablePlaybook: async (id) => {
      const loaded = await readPlaybook(id);
      if (loaded.playbook === undefined || hasErrors(loaded.problems)) throw invalid(loaded.problems, id);
      return loaded.playbook;
    },
    readPlaybookText: async (id) => readFileNoFollow(dir, fileOf(id), 'utf8').catch(notFound(id)),
    savePlaybook,
    createPlaybook: (name) =>
      serial(async () => {
        const taken = new Set(await ids());
        const playbook = newPlaybook(uniqueSlug(name, (id) => taken.has(id)), name.trim() || name);
        await write(playbook);
        return playbook;
      }),
    renamePlaybook: (id, name) => mutate(id, (playbook) => ({ ...playbook, name })),
    duplicatePlaybook: (id, name) =>
      serial(async () => {
        const loaded = await readPlaybook(id);
        if (loaded.playbook === undefined) throw invalid(loaded.problems, id);
        const copyName = name ?? `${loaded.playbook.name} (copy)`;
        const taken = new Set(await ids());
        const copy: Playbook = { ...structuredClone(loaded.playbook), id: uniqueSlug(copyName, (candidate) => taken.has(candidate)), name: copyName, revision: 1 };
        await write(copy);
        const slots = bindings[id];
        if (slots !== undefined) await writeBindings({ ...bindings, [copy.id]: { ...slots } });
        return copy;
      }),
    deletePlaybook: (id) =>
      serial(async () => {
        const file = fileOf(id);
        await lstatNoFollow(dir, file).catch(notFound(id));
        await removeFileDurably(file);
        cache.delete(id);
        if (bindings[id] !== undefined) {
          const { [id]: _removed, ...rest } = bindings;
          await writeBindings(rest);
        }
      }),
    checkPlaybook,
    bindings: (playbookId) => ({ ...bindings[playbookId] }),
    bind: (playbookId, slot, credentialId) =>
      serial(async () => {
        const slots = { ...bindings[playbookId] };
        if (credentialId === null) delete slots[slot];
        else slots[slot] = credentialId;
        const next = { ...bindings };
        if (Object.keys(slots).length === 0) delete next[playbookId];
        else next[playbookId] = slots;
        await writeBindings(next);
      }),
    unbindCredential: (credentialId) =>
      serial(async () => {
        const next: Bindings = {};
        let changed = false;
        for (const [playbookId, slots] of Object.entries(bindings)) {
          const kept = Object.fromEntries(Object.entries(slots).filter(([, id]) => id !== credentialId));
          changed ||= Object.keys(kept).length !== Object.keys(slots).length;
          if (Object.keys(kept).length > 0) next[playbookId] = kept;
        }
        if (changed) await writeBindings(next);
      }),
  };
}

/** Loads a playbook file's text; the file name is the id, whatever the file says. */
export function loadText(id: string, text: string, registry: NodeRegistry): Omit<WorkspacePlaybook, 'updatedAt'> {
  const { playbook, problems } = loadPlaybook(text, registry);
  const revision = playbook?.revision ?? rawRevision(text);
  if (playbook === undefined) return { id, problems, revision };
  if (playbook.id === id) return { id, playbook, problems, revision };
  const mismatch: Problem = {
    severity: 'warning',
    code: 'WORKSPACE_ID_MISMATCH',
    message: `the file ${playbookFileName(id)} declares id ${playbook.id}; the workspace uses ${id}`,
    path: 'id',
  };
  return { id, playbook: { ...playbook, id }, problems: [...problems, mismatch], revision };
}

/**
 * Checks a playbook held in memory (the editor's) as a file: migration, schema, graph. Positions
 * are not tracked, and the one a syntax failure always carries is dropped: they would point into
 * text the client never saw.
 */
export function checkRaw(raw: unknown, registry: NodeRegistry): { playbook?: Playbook; problems: Problem[] } {
  const { playbook, problems } = loadPlaybook(JSON.stringify(raw) ?? 'null', registry, { trackPositions: false });
  const placeless = problems.map(({ line: _line, column: _column, ...rest }) => rest);
  return playbook === undefined ? { problems: placeless } : { playbook, problems: placeless };
}

/** Rethrows a missing playbook file as NOT_FOUND, any other error as it is. */
function notFound(id: string): (err: unknown) => never {
  return (err) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new HostError('NOT_FOUND', `no playbook ${id} in this workspace`);
    throw err;
  };
}

/** The refusal of a playbook that cannot be used: how many errors, and the first. */
function invalid(problems: readonly Problem[], id?: string): HostError {
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0];
  const what = id === undefined ? 'the playbook' : `playbook ${id}`;
  if (first === undefined) return new HostError('INVALID_PLAYBOOK', `${what} could not be read`);
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new HostError('INVALID_PLAYBOOK', `${what} has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${formatProblem(first)}${more}`);
}

function rawRevision(text: string): number {
  try {
    const revision = (JSON.parse(text) as { revision?: unknown } | null)?.revision;
    return typeof revision === 'number' && Number.isInteger(revision) && revision >= 0 ? revision : 0;
  } catch {
    return 0;
  }
}

/** Reads bindings.json; a missing file is no bindings, a broken one (or a link) is refused naming the file. */
async function readBindings(dir: string, file: string): Promise<Bindings> {
  const data = await readJsonObjectNoFollow(dir, file, 'an object { "<playbookId>": { "<slot>": "<credentialId>" } }');
  const out: Bindings = {};
  for (const [playbookId, slots] of Object.entries(data)) {
    if (!isRecord(slots)) throw new Error(`${file}: ${playbookId} must map slots to credential ids`);
    const bound: Record<string, string> = {};
    for (const [slot, credentialId] of Object.entries(slots)) {
      if (typeof credentialId !== 'string') throw new Error(`${file}: ${playbookId}.${slot} must be a credential id`);
      bound[slot] = credentialId;
    }
    out[playbookId] = bound;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
