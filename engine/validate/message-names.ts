import type * as z from 'zod';
import type { PlaybookNode } from '../format/playbook.ts';
import type { NodeTypeSpec } from '../node-type.ts';
import { didYouMean, formatPath } from './problems.ts';
import type { PathSegment } from './problems.ts';

/** A node's name as the canvas shows it, for messages. */
export function nameOf(node: PlaybookNode): string {
  return node.name.trim() === '' ? node.id : node.name;
}

/** The label of a template's field: its param's label, or `forEach`. */
export function labelOfTemplate(spec: NodeTypeSpec | undefined, path: readonly PathSegment[]): string {
  if (path[0] !== 'params') return formatPath(path);
  return spec === undefined ? formatPath(path.slice(1)) || 'params' : fieldLabel(spec.input, path.slice(1));
}

/**
 * A param's label as the Inspector shows it: the schema's `title` (zod `.meta({ title })`) when it
 * has one, else its key (`ipAddress`, or `body.query` inside an object).
 */
export function fieldLabel(input: z.ZodType, relative: readonly PathSegment[]): string {
  const title = titleAt(input, relative);
  return title ?? (formatPath(relative) || 'params');
}

/** The end of a message about a field that is not there: a near name, else the fields there are (at most 8). */
export function fieldHint(field: string, known: readonly string[]): string {
  const near = didYouMean(field, known);
  if (near !== '') return near;
  if (known.length === 0) return '';
  const listed = known.length > 8 ? `${known.slice(0, 8).join(', ')}…` : known.join(', ');
  return `; it has ${listed}`;
}

function titleAt(schema: z.ZodType, relative: readonly PathSegment[]): string | undefined {
  let current: z.ZodType | undefined = schema;
  for (const segment of relative) {
    current = current === undefined ? undefined : childSchema(current, segment);
  }
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    const title = (current.meta() as { title?: unknown } | undefined)?.title;
    if (typeof title === 'string' && title !== '') return title;
    current = (current as unknown as { _zod: { def: { innerType?: z.ZodType } } })._zod.def.innerType;
  }
  return undefined;
}

/** The schema of one key of an object schema (through optional/default/nullable wrappers); undefined otherwise. */
function childSchema(schema: z.ZodType, segment: PathSegment): z.ZodType | undefined {
  let def = (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> } } })._zod.def;
  for (let depth = 0; def.innerType !== undefined && depth < 8; depth++) {
    def = (def.innerType as unknown as { _zod: { def: typeof def } })._zod.def;
  }
  return def.type === 'object' && typeof segment === 'string' && def.shape !== undefined && Object.hasOwn(def.shape, segment) ? def.shape[segment] : undefined;
}
