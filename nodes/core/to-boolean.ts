/**
 * Casts a value to a boolean exactly as JSONata's `$boolean` does, so a condition behaves like the
 * expressions around it: false for null/undefined, `false`, 0, '' , empty arrays and objects and
 * functions; an array is true when any member is (a one-member array is its member). Note that
 * the string "false" is non-empty and therefore true.
 */
export function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (Array.isArray(value)) return value.some(toBoolean);
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return false;
}
