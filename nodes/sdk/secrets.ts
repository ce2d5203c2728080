import type * as z from 'zod';

/** Metadata that marks a credential field as secret; it surfaces in the JSON Schema for forms. */
const SECRET_META = { secret: true, writeOnly: true } as const;

/** Marks a credential field as secret: forms mask it, the vault encrypts it, journals redact it. */
export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta(SECRET_META);
}

/** Whether a field schema (through optional/default/nullable wrappers) was marked with `secret()`. */
export function isSecretSchema(schema: z.ZodType): boolean {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current !== undefined && depth < 10; depth++) {
    if (current.meta()?.['secret'] === true) return true;
    current = innerOf(current);
  }
  return false;
}

function innerOf(schema: z.ZodType): z.ZodType | undefined {
  const def = schema._zod.def as { innerType?: z.ZodType; in?: z.ZodType };
  return def.innerType ?? def.in;
}

/** Names of the secret fields of a credentials object schema, in declaration order. */
export function secretFieldsOf(schema: z.ZodType | undefined): string[] {
  const shape = (schema as { shape?: Record<string, z.ZodType> } | undefined)?.shape;
  if (shape === undefined) return [];
  return Object.keys(shape).filter((key) => {
    const field = shape[key];
    return field !== undefined && isSecretSchema(field);
  });
}

/**
 * The secret values of a bound credential, so the executor can redact them from journals.
 * `source` is a connector (its `secretFields`) or the credentials schema itself.
 */
export function secretValues(
  credentials: Record<string, unknown> | undefined,
  source: { readonly secretFields: readonly string[] } | z.ZodType,
): string[] {
  if (credentials === undefined) return [];
  const fields = 'secretFields' in source ? source.secretFields : secretFieldsOf(source);
  const values: string[] = [];
  for (const field of fields) {
    const value = credentials[field];
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') values.push(String(value));
  }
  return values;
}
