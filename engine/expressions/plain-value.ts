/** Flags JSONata sets on the arrays it builds (sequences, constructed arrays, `[]` results). */
const JSONATA_ARRAY_FLAGS = ['sequence', 'keepSingleton', 'cons', 'outerWrapper', 'tupleStream'];

/**
 * Turns a JSONata result into a plain JSON-like value: sequences become ordinary arrays without
 * JSONata's flags, functions (lambdas, built-ins) become undefined (dropped from objects, null in
 * arrays, as JSON.stringify does), and any other object becomes an ordinary object of its own
 * enumerable properties (so `{"__proto__": {...}}` built by JSONata cannot smuggle in a prototype).
 * Unchanged parts are returned by identity, so passing an upstream output through copies nothing.
 */
export function toPlainJson(value: unknown): unknown {
  if (typeof value === 'function') return undefined;
  if (typeof value !== 'object' || value === null) return value;
  if (isJsonataFunction(value)) return undefined;
  if (Array.isArray(value)) return plainArray(value);
  return plainObject(value as Record<string, unknown>, Object.getPrototypeOf(value) !== Object.prototype);
}

function plainArray(array: readonly unknown[]): unknown[] {
  let copy: unknown[] | undefined = hasJsonataFlags(array) ? [] : undefined;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    const plain = toPlainJson(item);
    if (copy === undefined && plain !== item) copy = array.slice(0, i);
    copy?.push(plain === undefined ? null : plain);
  }
  return copy ?? (array as unknown[]);
}

function plainObject(object: Record<string, unknown>, mustCopy: boolean): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined = mustCopy ? {} : undefined;
  const keys = Object.keys(object);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = object[key];
    const plain = toPlainJson(item);
    if (copy === undefined && plain !== item) copy = copyUpTo(object, keys, i);
    if (copy !== undefined && plain !== undefined) setOwn(copy, key, plain);
  }
  return copy ?? object;
}

/** A plain copy of the first `count` of `keys`, in order: the fields a walk found unchanged before its first change. */
export function copyUpTo(object: Record<string, unknown>, keys: readonly string[], count: number): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const key = keys[i] as string;
    setOwn(copy, key, object[key]);
  }
  return copy;
}

/** Sets an own data property, even for the key `__proto__` (which `=` would treat as the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function hasJsonataFlags(array: readonly unknown[]): boolean {
  for (const flag of JSONATA_ARRAY_FLAGS) {
    if (Object.hasOwn(array, flag)) return true;
  }
  return false;
}

/** Whether an object is a JSONata lambda or built-in, which JSONata marks with flags rather than making a JS function. */
export function isJsonataFunction(value: object): boolean {
  const flags = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return flags._jsonata_function === true || flags._jsonata_lambda === true;
}

/**
 * The text an interpolated `{{ }}` contributes: strings as is, null and undefined as '', numbers
 * and JSON as JSONata's `$string` writes them (15 significant digits, so `0.1 + 0.2` is `0.3`),
 * which keeps `"a {{ x }}"` equal to the JSONata `"a " & x`.
 */
export function stringifyForTemplate(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(roundLikeJsonata(value));
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'number' ? roundLikeJsonata(item) : item)) ?? '';
}

function roundLikeJsonata(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(15)) : value;
}
