import { migratePlaybook } from './migrate.ts';
import { PLAYBOOK_FORMAT_VERSION, PlaybookSchema } from './playbook.ts';
import { parseJsonSafely } from './safe-json.ts';
import { describeIssue, valueAt } from '../validate/issue-message.ts';
import { didYouMean, formatPath, parsePath } from '../validate/problems.ts';
import { ONE_SHOT_PARSE } from '../validate/check-params.ts';
import { validatePlaybook } from '../validate/validate-playbook.ts';
import type * as z from 'zod';
import type { Playbook } from './playbook.ts';
import type { JsonPositions, SafeJsonOptions } from './safe-json.ts';
import type { NodeRegistry } from '../node-type.ts';
import type { PathSegment, Problem } from '../validate/problems.ts';

/** The parser's limits, and `trackPositions` (default true): off where no one will see a line and column. */
export type LoadOptions = Pick<SafeJsonOptions, 'maxBytes' | 'maxDepth' | 'trackPositions'>;

export interface LoadResult {
  /**
   * Present when the file is a well-formed playbook of a known format, even if the graph has
   * problems, so the editor can open it and mark them; run it only when no problem is an error.
   */
  playbook?: Playbook;
  /** Every problem found, each with a line and column in the file where it can be mapped (and positions are tracked). */
  problems: Problem[];
  /** The format version the file was written in, when it was migrated from an older one. */
  migratedFrom?: number;
}

/**
 * Reads a shared playbook file: safe parse → format migration → schema → graph validation (the
 * last one needs the node registry). Never throws on bad input; everything wrong is a problem.
 */
export function loadPlaybook(input: string | Uint8Array, registry?: NodeRegistry, options: LoadOptions = {}): LoadResult {
  const parsed = parseJsonSafely(input, { ...options, trackPositions: false });
  if (!parsed.ok) return { problems: [parsed.problem] };
  const place = placing(input, options);

  const migrated = migratePlaybook(parsed.value);
  if (!migrated.ok) return { problems: place(migrated.problems) };
  const migratedFrom = migrated.from < PLAYBOOK_FORMAT_VERSION ? { migratedFrom: migrated.from } : {};

  const checked = PlaybookSchema.safeParse(migrated.value, ONE_SHOT_PARSE);
  if (!checked.success) return { problems: place(problemsFromIssues(checked.error.issues, migrated.value)), ...migratedFrom };
  return { playbook: checked.data, problems: place(validatePlaybook(checked.data, registry)), ...migratedFrom };
}

/**
 * Adds to each problem the line and column of its path, when the file has that path (or a
 * prefix). The positions come from a second parse, made only when there is a problem to place:
 * recording where every value starts is most of a parse, and most files have nothing to report.
 */
function placing(input: string | Uint8Array, options: LoadOptions): (problems: Problem[]) => Problem[] {
  return (problems) => {
    if (problems.length === 0 || options.trackPositions === false) return problems;
    const reparsed = parseJsonSafely(input, { ...options, trackPositions: true });
    const positions = reparsed.ok ? reparsed.positions : undefined;
    return positions === undefined ? problems : problems.map((problem) => placed(problem, positions));
  };
}

function placed(problem: Problem, positions: JsonPositions): Problem {
  if (problem.line !== undefined || problem.path === undefined) return problem;
  const segments = parsePath(problem.path);
  const at = segments === undefined ? undefined : positions.locate(segments);
  return at === undefined ? problem : { ...problem, line: at.line, column: at.column };
}

/** Node settings whose range errors read as PLAYBOOK_SETTING rather than as a schema mismatch. */
const SETTINGS = new Set(['concurrency', 'timeoutMs', 'maxAttempts', 'delayMs', 'maxDelayMs']);

/**
 * Turns the schema's issues into one-line problems that name the path (`nodes[3].paramz`);
 * exported so the editor can check a playbook it holds in memory the same way.
 */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], file: unknown): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const segments = [...issue.path, key] as PathSegment[];
        problems.push(schemaProblem(segments, unknownFieldMessage(segments, key), file));
      }
      continue;
    }
    const segments = issue.path as PathSegment[];
    const value = valueAt(file, segments);
    const setting = settingMessage(issue, segments, value);
    if (setting !== undefined) problems.push({ ...schemaProblem(segments, setting, file), code: 'PLAYBOOK_SETTING' });
    else problems.push(schemaProblem(segments, describeIssue(issue, formatPath(segments) || 'the playbook', value), file));
  }
  return problems;
}

/** A schema problem, naming the node or edge it sits in so the editor can mark it. */
function schemaProblem(segments: readonly PathSegment[], message: string, file: unknown): Problem {
  const problem: Problem = { severity: 'error', code: 'PLAYBOOK_SCHEMA', message, path: formatPath(segments) };
  const [list, index] = segments;
  const id = typeof index === 'number' && segments.length > 2 ? valueAt(file, [list as string, index, 'id']) : undefined;
  if (typeof id === 'string' && list === 'nodes') problem.nodeId = id;
  if (typeof id === 'string' && list === 'edges') problem.edgeId = id;
  return problem;
}

function settingMessage(issue: z.core.$ZodIssue, segments: readonly PathSegment[], value: unknown): string | undefined {
  const last = segments[segments.length - 1];
  if (segments[0] !== 'nodes' || typeof last !== 'string' || !SETTINGS.has(last) || typeof value !== 'number') return undefined;
  const path = formatPath(segments);
  if (issue.code === 'too_big') return `${path} is ${value}; at most ${String(issue.maximum)}`;
  if (issue.code === 'too_small') return `${path} is ${value}; at least ${String(issue.minimum)}`;
  if (issue.code === 'invalid_type') return `${path} is ${value}; it must be a whole number`;
  return undefined;
}

/** Names what kind of object holds the unknown field, and the nearest known field if it is a typo. */
function unknownFieldMessage(segments: readonly PathSegment[], key: string): string {
  const container = containerName(segments);
  const known = knownFields(segments.slice(0, -1));
  const hint = known === undefined ? '' : didYouMean(key, known);
  return `${formatPath(segments)} is not a ${container} field${hint}; unknown fields are refused, not kept`;
}

function containerName(segments: readonly PathSegment[]): string {
  const names = segments.slice(0, -1).filter((segment): segment is string => typeof segment === 'string');
  const owner = names[names.length - 1];
  const nouns: Record<string, string> = {
    nodes: 'node',
    edges: 'edge',
    notes: 'note',
    retry: 'retry',
    credentials: 'credential slot',
    layout: 'layout',
  };
  if (owner === undefined) return 'playbook';
  return nouns[owner] ?? (names.length >= 2 ? (nouns[names[names.length - 2] as string] ?? owner) : owner);
}

interface SchemaNode {
  _zod: { def: { type: string; shape?: Record<string, SchemaNode>; element?: SchemaNode; valueType?: SchemaNode; innerType?: SchemaNode } };
}

/** The field names of the object schema at `segments` inside PlaybookSchema. */
function knownFields(segments: readonly PathSegment[]): string[] | undefined {
  let schema: SchemaNode | undefined = PlaybookSchema as unknown as SchemaNode;
  for (const segment of segments) {
    schema = unwrap(schema);
    const def: SchemaNode['_zod']['def'] | undefined = schema?._zod.def;
    if (def === undefined) return undefined;
    if (def.type === 'object') schema = typeof segment === 'string' ? def.shape?.[segment] : undefined;
    else if (def.type === 'array') schema = def.element;
    else if (def.type === 'record') schema = def.valueType;
    else return undefined;
  }
  const shape = unwrap(schema)?._zod.def.shape;
  return shape === undefined ? undefined : Object.keys(shape);
}

function unwrap(schema: SchemaNode | undefined): SchemaNode | undefined {
  let current = schema;
  while (current?._zod.def.innerType !== undefined) current = current._zod.def.innerType;
  return current;
}
