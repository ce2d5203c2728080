import fs from 'node:fs';
import path from 'node:path';
import type { Playbook } from '../../engine/format/playbook.ts';
import type { NodeRegistry } from '../../engine/node-type.ts';
import { hasErrors } from '../../engine/validate/problems.ts';
import { HostError } from '../protocol/host-error.ts';
import { createSerialQueue, removeFileDurably, writeFileInside } from '../workspace/atomic-file.ts';
import { LinkRefusedError, readFileNoFollow, readJsonObjectNoFollow, refuseLinks } from '../workspace/no-follow.ts';
import { playbookFileName, playbookText } from '../workspace/playbook-text.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { jsonText, loadText } from '../workspace/workspace.ts';
import type { LiveTrigger } from './contract.ts';

/**
 * "Enabled playbooks run a published revision" (issue 12): per playbook, whether its triggers are
 * live and which revision they run. The published text is a copy kept apart from the draft, at
 * `<workspace>/published/<id>.playbook.json`, so saving the draft never changes what fires.
 */

/** One playbook's trigger state, as `<workspace>/triggers.json` keeps it. */
export interface PlaybookTriggerState {
  enabled: boolean;
  /** The revision copied to `published/`; absent until the first publish. */
  publishedRevision?: number;
}

/** Trigger state per playbook id. */
export type TriggerStates = Record<string, PlaybookTriggerState>;

/** A saved playbook's trigger state beside its saved revision: a draft awaits publishing when the two differ. */
export function publishSummary(
  saved: { id: string; revision: number },
  state: PlaybookTriggerState = { enabled: false },
): { playbookId: string; enabled: boolean; publishedRevision?: number; savedRevision: number; draft: boolean } {
  return {
    playbookId: saved.id,
    enabled: state.enabled,
    ...(state.publishedRevision !== undefined ? { publishedRevision: state.publishedRevision } : {}),
    savedRevision: saved.revision,
    draft: state.publishedRevision !== saved.revision,
  };
}

/** The live triggers: the trigger nodes (other than manual) of enabled playbooks' published revisions. */
export function liveTriggers(states: TriggerStates, published: ReadonlyMap<string, Playbook>, registry: NodeRegistry): LiveTrigger[] {
  const out: LiveTrigger[] = [];
  for (const [playbookId, state] of Object.entries(states).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const playbook = published.get(playbookId);
    if (!state.enabled || playbook === undefined || playbook.revision !== state.publishedRevision) continue;
    for (const node of playbook.nodes) {
      if (node.disabled === true || node.type === 'trigger.manual@1' || registry.get(node.type)?.kind !== 'trigger') continue;
      out.push({
        playbookId,
        revision: playbook.revision,
        triggerNodeId: node.id,
        type: node.type,
        params: structuredClone(node.params ?? {}) as Record<string, unknown>,
        ...(node.credential !== undefined ? { credential: node.credential } : {}),
      });
    }
  }
  return out;
}

/** The publish/enable state of a workspace, and the published copies. */
export interface PublishState {
  states(): TriggerStates;
  /** Picks up a change another process (the CLI) made; true when there was one. */
  reload(): Promise<boolean>;
  /** Copies the saved playbook (it must have no errors) to `published/` and records its revision. */
  publish(playbookId: string): Promise<PlaybookTriggerState>;
  /** Makes its triggers live; publishes the saved revision first when none was published. */
  enable(playbookId: string): Promise<PlaybookTriggerState>;
  disable(playbookId: string): Promise<PlaybookTriggerState>;
  /** Forgets a deleted playbook: its state and its published copy. */
  remove(playbookId: string): Promise<void>;
  /** The published copy, if any. */
  published(playbookId: string): Playbook | undefined;
  /** A revision published earlier (events keep the revision they were accepted for), and its file. */
  publishedAt(playbookId: string, revision: number): Promise<{ playbook: Playbook; file: string } | undefined>;
  publishedPlaybooks(): ReadonlyMap<string, Playbook>;
}

/** Reads `triggers.json` and the published copies of the workspace; a copy that no longer loads is dropped from the live set. */
export async function openPublishState(workspace: Workspace, registry: NodeRegistry): Promise<PublishState> {
  const root = workspace.dir;
  const stateFile = path.join(root, 'triggers.json');
  const publishedDir = path.join(root, 'published');
  const fileOf = (id: string) => path.join(publishedDir, playbookFileName(id));
  const revisionFile = (id: string, revision: number) => path.join(publishedDir, 'revisions', `${id}.r${revision}.playbook.json`);
  const serial = createSerialQueue();
  let states: TriggerStates = {};
  let seen = '';
  const published = new Map<string, Playbook>();
  /** Published revisions read so far, by `<id>\0<revision>`. */
  const revisions = new Map<string, { playbook: Playbook; file: string }>();

  /** Re-reads `triggers.json` and the published copies when the file changed (another process, e.g. the CLI, wrote it). */
  const reload = async (): Promise<boolean> => {
    const stat = await fs.promises.lstat(stateFile).catch(() => undefined);
    const mark = stat === undefined ? '' : `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    if (mark === seen) return false;
    seen = mark;
    states = await readStates(root, stateFile);
    published.clear();
    for (const id of Object.keys(states)) {
      const text = await readFileNoFollow(root, fileOf(id), 'utf8').catch(() => undefined);
      const loaded = text === undefined ? undefined : loadText(id, text, registry);
      if (loaded?.playbook !== undefined && !hasErrors(loaded.problems)) published.set(id, loaded.playbook);
    }
    return true;
  };
  await reload();

  const save = async (next: TriggerStates): Promise<void> => {
    await writeFileInside(root, stateFile, jsonText({ format: 'switchboard/triggers@1', playbooks: next }), 0o600);
    states = next;
    const stat = await fs.promises.lstat(stateFile);
    seen = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  };

  const publishNow = async (id: string): Promise<PlaybookTriggerState> => {
    const playbook = await workspace.runnablePlaybook(id);
    await refuseLinks(root, path.join(publishedDir, 'revisions'));
    await fs.promises.mkdir(path.join(publishedDir, 'revisions'), { recursive: true });
    await writeFileInside(root, revisionFile(id, playbook.revision), playbookText(playbook));
    await writeFileInside(root, fileOf(id), playbookText(playbook));
    published.set(id, playbook);
    const state = { enabled: states[id]?.enabled ?? false, publishedRevision: playbook.revision };
    await save({ ...states, [id]: state });
    return state;
  };

  return {
    states: () => structuredClone(states),
    reload: () => serial(reload),
    publish: (id) =>
      serial(async () => {
        await reload();
        return publishNow(id);
      }),
    enable: (id) =>
      serial(async () => {
        await reload();
        if (states[id]?.publishedRevision === undefined || !published.has(id)) await publishNow(id);
        else await workspace.readPlaybook(id);
        const state = { ...states[id]!, enabled: true };
        await save({ ...states, [id]: state });
        return state;
      }),
    disable: (id) =>
      serial(async () => {
        await reload();
        const current = states[id];
        if (current === undefined) {
          await workspace.readPlaybook(id);
          return { enabled: false };
        }
        const state = { ...current, enabled: false };
        await save({ ...states, [id]: state });
        return state;
      }),
    remove: (id) =>
      serial(async () => {
        await reload();
        if (states[id] === undefined) return;
        const { [id]: _removed, ...rest } = states;
        await save(rest);
        published.delete(id);
        for (const key of revisions.keys()) if (key.startsWith(`${id}\u0000`)) revisions.delete(key);
        await removeFileDurably(fileOf(id));
        const prefix = `${id}.r`;
        const names = await fs.promises.readdir(path.join(publishedDir, 'revisions')).catch(() => [] as string[]);
        for (const name of names) if (name.startsWith(prefix) && /^\d+\.playbook\.json$/.test(name.slice(prefix.length))) await removeFileDurably(path.join(publishedDir, 'revisions', name));
      }),
    published: (id) => published.get(id),
    async publishedAt(id, revision) {
      // A published revision never changes: each is read and checked once, not once per event.
      const key = `${id}\u0000${revision}`;
      const known = revisions.get(key);
      if (known !== undefined) return known;
      const file = revisionFile(id, revision);
      const text = await readFileNoFollow(root, file, 'utf8').catch(() => undefined);
      const loaded = text === undefined ? undefined : loadText(id, text, registry);
      if (loaded?.playbook === undefined || hasErrors(loaded.problems)) return undefined;
      const found = { playbook: loaded.playbook, file };
      revisions.set(key, found);
      return found;
    },
    publishedPlaybooks: () => published,
  };
}

/** Reads `triggers.json`; one line naming the field when it is malformed, an empty state when missing. */
async function readStates(root: string, file: string): Promise<TriggerStates> {
  let parsed: Record<string, unknown>;
  try {
    parsed = await readJsonObjectNoFollow(root, file, 'an object { "playbooks": { … } }');
  } catch (err) {
    // A file that is there but not the right JSON is bad input; an I/O error or a link stays what it is.
    if (err instanceof Error && !('code' in err) && !(err instanceof LinkRefusedError)) throw new HostError('INVALID_PARAMS', err.message);
    throw err;
  }
  if (Object.keys(parsed).length === 0) return {};
  const playbooks = (parsed as { playbooks?: unknown } | null)?.playbooks;
  if (typeof playbooks !== 'object' || playbooks === null || Array.isArray(playbooks)) throw new HostError('INVALID_PARAMS', `${file}: playbooks must be an object`);
  const out: TriggerStates = {};
  for (const [id, value] of Object.entries(playbooks as Record<string, unknown>)) {
    const state = value as { enabled?: unknown; publishedRevision?: unknown } | null;
    if (typeof state?.enabled !== 'boolean') throw new HostError('INVALID_PARAMS', `${file}: playbooks.${id}.enabled must be true or false`);
    const revision = state.publishedRevision;
    if (revision !== undefined && !(Number.isInteger(revision) && (revision as number) >= 0)) {
      throw new HostError('INVALID_PARAMS', `${file}: playbooks.${id}.publishedRevision must be a whole number`);
    }
    out[id] = revision === undefined ? { enabled: state.enabled } : { enabled: state.enabled, publishedRevision: revision as number };
  }
  return out;
}
