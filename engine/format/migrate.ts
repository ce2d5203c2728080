import { PLAYBOOK_FORMAT, PLAYBOOK_FORMAT_VERSION } from './playbook.ts';
import { FORBIDDEN_KEYS } from './safe-json.ts';
import type { Problem } from '../validate/problems.ts';

/**
 * Format versions of the playbook file. Each older version has one step that rewrites it into the
 * next; a file runs through the steps up to the current version, so old shared files keep opening.
 *
 * `switchboard/playbook@0` (the pre-release format) differed from @1 in four ways:
 * - a node's parameters were called `config` (now `params`);
 * - a node carried its canvas `position: { x, y }` (now in the top-level `layout` map, keyed by
 *   node id, so that moving a box is a one-line diff), and notes likewise carried `position`
 *   with `width`/`height`;
 * - edges were `{ source, sourcePort?, target }` with no id, `sourcePort` defaulting to `out`
 *   (now `{ id, from, port, to }`; ids `e1`, `e2`, … are given in file order);
 * - `credentials` was a list of `{ name, connector, description? }` (now a map keyed by name).
 */

export const PLAYBOOK_FORMAT_PREFIX = 'switchboard/playbook@';

/** A `format` value: the prefix, then a version without leading zeros. */
const FORMAT_PATTERN = new RegExp(`^${PLAYBOOK_FORMAT_PREFIX}(0|[1-9][0-9]*)$`);

export type MigrationResult =
  | { ok: true; value: unknown; from: number }
  | { ok: false; problems: Problem[] };

type Step = (file: Record<string, unknown>) => { value: Record<string, unknown>; problems: Problem[] };

const STEPS: Readonly<Record<number, Step>> = { 0: migrate0to1 };

/** Reads `switchboard/playbook@N`; undefined when `format` is missing or names something else. */
export function formatVersionOf(format: unknown): number | undefined {
  if (typeof format !== 'string') return undefined;
  const match = FORMAT_PATTERN.exec(format);
  return match === null ? undefined : Number(match[1]);
}

/**
 * Brings a parsed playbook file to the current format. Newer formats are refused rather than
 * guessed at: a newer Switchboard may have given fields a meaning this version would drop.
 */
export function migratePlaybook(file: unknown): MigrationResult {
  if (file === null || typeof file !== 'object' || Array.isArray(file)) {
    const got = file === null ? 'null' : Array.isArray(file) ? 'an array' : `a ${typeof file}`;
    return refuse('PLAYBOOK_FORMAT_UNKNOWN', `a playbook file holds one JSON object; this one holds ${got}`);
  }
  const record = file as Record<string, unknown>;
  const format = record['format'];
  const version = formatVersionOf(format);
  if (version === undefined) {
    const message =
      format === undefined
        ? `the file has no "format" field; a playbook starts with "format": "${PLAYBOOK_FORMAT}"`
        : `format ${truncatedJson(format)} is not a Switchboard playbook format; expected "${PLAYBOOK_FORMAT}"`;
    return refuse('PLAYBOOK_FORMAT_UNKNOWN', message);
  }
  if (version > PLAYBOOK_FORMAT_VERSION) {
    return refuse(
      'PLAYBOOK_FORMAT_NEWER',
      `this file was written by a newer Switchboard (format @${version}); this version reads up to @${PLAYBOOK_FORMAT_VERSION}`,
    );
  }
  let current = record;
  for (let at = version; at < PLAYBOOK_FORMAT_VERSION; at++) {
    const step = STEPS[at];
    if (step === undefined) return refuse('PLAYBOOK_FORMAT_UNKNOWN', `no migration from format @${at}`);
    const { value, problems } = step(current);
    if (problems.length > 0) return { ok: false, problems };
    current = value;
  }
  return { ok: true, value: current, from: version };
}

function refuse(code: string, message: string): MigrationResult {
  return { ok: false, problems: [{ severity: 'error', code, message, path: 'format' }] };
}

function truncatedJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** @0 → @1: see the module comment. Anything unexpected is carried over for the schema to report. */
function migrate0to1(file: Record<string, unknown>): { value: Record<string, unknown>; problems: Problem[] } {
  const problems: Problem[] = [];
  const layout = isRecord(file['layout']) ? { ...file['layout'] } : {};
  const { nodes, notes, edges, credentials, ...rest } = file;
  const value: Record<string, unknown> = { ...rest, format: PLAYBOOK_FORMAT };

  if (Array.isArray(nodes)) value['nodes'] = nodes.map((node) => liftPosition(renameConfig(node), layout));
  else if (nodes !== undefined) value['nodes'] = nodes;
  if (Array.isArray(notes)) value['notes'] = notes.map((note) => liftPosition(note, layout));
  else if (notes !== undefined) value['notes'] = notes;
  if (Array.isArray(edges)) value['edges'] = edges.map(migrateEdge);
  else if (edges !== undefined) value['edges'] = edges;
  if (Array.isArray(credentials)) value['credentials'] = credentialsToMap(credentials, problems);
  else if (credentials !== undefined) value['credentials'] = credentials;
  if (Object.keys(layout).length > 0 || file['layout'] !== undefined) value['layout'] = layout;
  return { value, problems };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function renameConfig(node: unknown): unknown {
  if (!isRecord(node) || !('config' in node) || 'params' in node) return node;
  const { config, ...rest } = node;
  return { ...rest, params: config };
}

/** Moves `position` into the layout map under the item's id (never under a prototype key). */
function liftPosition(item: unknown, layout: Record<string, unknown>): unknown {
  if (!isRecord(item) || !('position' in item)) return item;
  const { position, ...rest } = item;
  const id = item['id'];
  if (typeof id !== 'string' || FORBIDDEN_KEYS.has(id) || !isRecord(position)) return item;
  layout[id] = position;
  return rest;
}

function migrateEdge(edge: unknown, index: number): unknown {
  if (!isRecord(edge) || 'from' in edge || 'to' in edge) return edge;
  const { source, sourcePort, target, ...rest } = edge;
  return { id: `e${index + 1}`, from: source, port: sourcePort ?? 'out', to: target, ...rest };
}

function credentialsToMap(list: unknown[], problems: Problem[]): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  list.forEach((slot, index) => {
    const path = `credentials[${index}]`;
    if (!isRecord(slot) || typeof slot['name'] !== 'string') {
      problems.push(schemaProblem(`${path}.name`, `${path} needs a "name" (format @0 lists credential slots by name)`));
      return;
    }
    const { name, ...rest } = slot;
    if (FORBIDDEN_KEYS.has(name)) {
      problems.push(schemaProblem(`${path}.name`, `${path}.name "${name}" is not allowed as a credential slot name`));
    } else if (Object.hasOwn(map, name)) {
      problems.push(schemaProblem(`${path}.name`, `${path}.name "${name}" is declared twice`));
    } else {
      map[name] = rest;
    }
  });
  return map;
}

function schemaProblem(path: string, message: string): Problem {
  return { severity: 'error', code: 'PLAYBOOK_SCHEMA', message, path };
}
