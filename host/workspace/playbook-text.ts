import { isWindowsDeviceName } from '../../engine/format/device-names.ts';
import { PLAYBOOK_FORMAT } from '../../engine/format/playbook.ts';
import type { Playbook, PlaybookEdge, PlaybookNode } from '../../engine/format/playbook.ts';

/** Field order of a playbook file, as DESIGN.md §3 lists them: a stable order keeps diffs small. */
const PLAYBOOK_KEYS = ['$schema', 'format', 'id', 'name', 'description', 'revision', 'tags', 'vars', 'credentials', 'nodes', 'edges', 'layout', 'notes'] as const;
const NODE_KEYS = ['id', 'type', 'name', 'description', 'params', 'credential', 'forEach', 'concurrency', 'retry', 'timeoutMs', 'join', 'disabled', 'breakpoint'] as const;
const EDGE_KEYS = ['id', 'from', 'port', 'to'] as const;
const RETRY_KEYS = ['maxAttempts', 'delayMs', 'maxDelayMs'] as const;
const LAYOUT_KEYS = ['x', 'y', 'width', 'height'] as const;
const NOTE_KEYS = ['id', 'text', 'color'] as const;
const SLOT_KEYS = ['connector', 'description'] as const;

/** Copies the listed keys of `value` in that order, leaving out undefined ones. */
function ordered(value: object, keys: readonly string[]): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

/** Orders a map's entries by key: layout and slots are maps whose order means nothing. */
function sortedMap<T>(map: Record<string, T>, each: (value: T) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(map).sort()) out[key] = each(map[key] as T);
  return out;
}

/**
 * A playbook as it is written to disk: known fields in the format's order, layout and slots sorted
 * by id, params and vars as the author ordered them (a switch's cases or headers may mean it).
 */
export function canonicalPlaybook(playbook: Playbook): Record<string, unknown> {
  const out = ordered(playbook, PLAYBOOK_KEYS);
  out['credentials'] = sortedMap(playbook.credentials, (slot) => ordered(slot, SLOT_KEYS));
  out['nodes'] = playbook.nodes.map((node: PlaybookNode) => {
    const entry = ordered(node, NODE_KEYS);
    if (node.retry !== undefined) entry['retry'] = ordered(node.retry, RETRY_KEYS);
    return entry;
  });
  out['edges'] = playbook.edges.map((edge: PlaybookEdge) => ordered(edge, EDGE_KEYS));
  out['layout'] = sortedMap(playbook.layout, (entry) => ordered(entry, LAYOUT_KEYS));
  out['notes'] = playbook.notes.map((note) => ordered(note, NOTE_KEYS));
  return out;
}

/** The file text of a playbook: pretty JSON in canonical order, ending in a newline. */
export function playbookText(playbook: Playbook): string {
  return `${JSON.stringify(canonicalPlaybook(playbook), null, 2)}\n`;
}

/** File name of a playbook in a workspace's playbooks/ folder. */
export function playbookFileName(id: string): string {
  return `${id}.playbook.json`;
}

/** The id of a playbook file name, or undefined for other files. */
export function idOfFileName(name: string): string | undefined {
  if (!name.endsWith('.playbook.json') || name.startsWith('.')) return undefined;
  const id = name.slice(0, -'.playbook.json'.length);
  return isPlaybookId(id) ? id : undefined;
}

/** The playbook id pattern of the format (`PlaybookSchema.id`). */
export const PLAYBOOK_ID = /^[a-z0-9][a-z0-9-_]{0,99}$/;

/** Whether `id` can be a playbook id: a slug that Windows would not take for a device (`con`, `nul`, …). */
export function isPlaybookId(id: string): boolean {
  return PLAYBOOK_ID.test(id) && !isWindowsDeviceName(id);
}

/**
 * A slug made from a name (`Phishing triage (EU)` → `phishing-triage-eu`), made unique against
 * `taken` with `-2`, `-3`, …; `fallback` when the name has no letters or digits. A Windows device
 * name (`Con` → `con-2`) counts as taken: it could never be a file name there.
 */
export function uniqueSlug(name: string, taken: (id: string) => boolean, fallback = 'playbook'): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || fallback;
  if (!taken(base) && !isWindowsDeviceName(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken(candidate)) return candidate;
  }
}

/** A new playbook: one manual trigger, so it can run as soon as something is wired to it. */
export function newPlaybook(id: string, name: string): Playbook {
  return {
    format: PLAYBOOK_FORMAT,
    id,
    name,
    description: '',
    revision: 1,
    tags: [],
    vars: {},
    credentials: {},
    nodes: [{ id: 'start', type: 'trigger.manual@1', name: 'Start', params: {} }],
    edges: [],
    layout: { start: { x: 0, y: 0 } },
    notes: [],
  };
}
