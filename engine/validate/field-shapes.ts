import type * as z from 'zod';

/**
 * What validation knows of a value's fields: a closed object (every field listed), a list (each
 * item has `item`'s shape), or `open` (anything may be there: unknown, records, passthrough, a scalar).
 */
export type Shape = { kind: 'object'; fields: ReadonlyMap<string, Shape> } | { kind: 'array'; item: Shape } | { kind: 'open' };

const OPEN: Shape = { kind: 'open' };

/** Wrappers whose inner schema is the value's shape (`z.string().optional()` is a string). */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch']);

/** Nesting past this is left open: output schemas are shallow, and a cycle through `lazy` is not followed. */
const MAX_DEPTH = 12;

interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  options?: readonly z.ZodType[];
  out?: z.ZodType;
}

function defOf(schema: z.ZodType): ZodDef {
  return (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
}

/**
 * The shape a zod schema promises: objects are closed unless they pass unknown keys through (a
 * catchall other than `never`); a union is closed only when every option is an object, with the
 * fields of all of them; records, `unknown`, transforms and the like are open.
 */
export function shapeOfSchema(schema: z.ZodType, depth = 0): Shape {
  if (depth > MAX_DEPTH) return OPEN;
  const def = defOf(schema);
  if (WRAPPERS.has(def.type) && def.innerType !== undefined) return shapeOfSchema(def.innerType, depth + 1);
  switch (def.type) {
    case 'object': {
      if (def.catchall !== undefined && defOf(def.catchall).type !== 'never') return OPEN;
      const fields = new Map<string, Shape>();
      for (const [key, field] of Object.entries(def.shape ?? {})) fields.set(key, shapeOfSchema(field, depth + 1));
      return { kind: 'object', fields };
    }
    case 'array':
      return def.element === undefined ? OPEN : { kind: 'array', item: shapeOfSchema(def.element, depth + 1) };
    case 'pipe':
      return def.out === undefined || defOf(def.out).type === 'transform' ? OPEN : shapeOfSchema(def.out, depth + 1);
    case 'union': {
      const shapes = (def.options ?? []).map((option) => shapeOfSchema(option, depth + 1));
      if (shapes.length === 0 || shapes.some((shape) => shape.kind !== 'object')) return OPEN;
      const fields = new Map<string, Shape>();
      for (const shape of shapes) {
        for (const [key, field] of (shape as { fields: ReadonlyMap<string, Shape> }).fields) {
          fields.set(key, fields.has(key) ? OPEN : field);
        }
      }
      return { kind: 'object', fields };
    }
    default:
      return OPEN;
  }
}

/**
 * The shape of a sample value (a trigger's sample event): its objects are closed over the keys it
 * has; a list takes its items' fields together; an empty list or a scalar is open.
 */
export function shapeOfValue(value: unknown, depth = 0): Shape {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return OPEN;
  if (Array.isArray(value)) {
    const items = value.map((item) => shapeOfValue(item, depth + 1));
    if (items.length === 0 || items.some((item) => item.kind !== 'object')) return items.length === 0 ? OPEN : { kind: 'array', item: OPEN };
    const fields = new Map<string, Shape>();
    for (const item of items) {
      for (const [key, field] of (item as { fields: ReadonlyMap<string, Shape> }).fields) fields.set(key, fields.has(key) ? OPEN : field);
    }
    return { kind: 'array', item: { kind: 'object', fields } };
  }
  const fields = new Map<string, Shape>();
  for (const [key, field] of Object.entries(value)) fields.set(key, shapeOfValue(field, depth + 1));
  return { kind: 'object', fields };
}

/** A field a path reads that its shape does not have, with the fields it could have meant. */
export interface MissingField {
  /** The unknown field's name. */
  field: string;
  /** The path steps read before it (`['alert']` for `trigger.alert.indicatr`). */
  before: string[];
  /** The fields the shape has at that point. */
  known: string[];
}

/**
 * The first step of `path` that `shape` does not have; undefined when every step is known or
 * the shape is open there. A step on a list reads that field of each item, as JSONata does.
 */
export function missingField(shape: Shape, path: readonly string[]): MissingField | undefined {
  let current = shape;
  for (const [index, step] of path.entries()) {
    while (current.kind === 'array') current = current.item;
    if (current.kind === 'open') return undefined;
    const next = current.fields.get(step);
    if (next === undefined) return { field: step, before: path.slice(0, index), known: [...current.fields.keys()] };
    current = next;
  }
  return undefined;
}

/**
 * The fields of `value` that `shape` does not list (`hits[0].score`), so a declared output schema
 * can be checked against what an action really returned; open parts, nulls and scalars pass.
 */
export function fieldsOutside(shape: Shape, value: unknown, path = ''): string[] {
  if (shape.kind === 'open' || value === null || typeof value !== 'object') return [];
  if (shape.kind === 'array') {
    if (!Array.isArray(value)) return [];
    return value.flatMap((item, index) => fieldsOutside(shape.item, item, `${path}[${index}]`));
  }
  if (Array.isArray(value)) return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const field = shape.fields.get(key);
    const at = path === '' ? key : `${path}.${key}`;
    if (field === undefined) out.push(at);
    else out.push(...fieldsOutside(field, child, at));
  }
  return out;
}
