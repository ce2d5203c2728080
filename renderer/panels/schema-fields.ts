import type { CatalogueEntry, JsonSchema } from '../../host/protocol/catalogue.ts';

/**
 * Form fields from the JSON Schemas the catalogue sends (zod's output): enough of JSON Schema
 * for the shapes connectors use, with anything richer edited as JSON.
 */

/** How a field is edited. */
export type FieldKind = 'string' | 'text' | 'number' | 'boolean' | 'enum' | 'json';

export interface SchemaField {
  key: string;
  /** The schema's `title` (zod `.meta({ title })`): the label people read; the key stays visible beside it. */
  title?: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  /** Allowed values of an enum, as they are (strings or numbers). */
  options?: Array<string | number | boolean>;
  defaultValue?: unknown;
  integer?: boolean;
  minimum?: number;
  maximum?: number;
  /** A secret credential field: write-only, shown only as set or not. */
  secret: boolean;
  format?: string;
}

/** Strings this long or longer get a multi-line box. */
const LONG_TEXT = 1_000;

function asSchema(value: unknown): JsonSchema | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : undefined;
}

function variants(schema: JsonSchema): JsonSchema[] {
  const list = schema.anyOf ?? schema.oneOf;
  return Array.isArray(list) ? list.map(asSchema).filter((item): item is JsonSchema => item !== undefined) : [];
}

function enumOf(schema: JsonSchema): Array<string | number | boolean> | undefined {
  if (Array.isArray(schema.enum)) return schema.enum as Array<string | number | boolean>;
  if (schema.const !== undefined) return [schema.const as string | number | boolean];
  const choices = variants(schema);
  if (choices.length > 0 && choices.every((choice) => choice.const !== undefined || Array.isArray(choice.enum))) {
    return choices.flatMap((choice) => enumOf(choice) ?? []);
  }
  return undefined;
}

/** What a form calls a field: its schema title ("API key"), else its key (`apiKey`). */
export function fieldLabel(field: SchemaField): string {
  return field.title ?? field.key;
}

/** The kind of editor a property schema calls for. */
export function kindOf(schema: JsonSchema): FieldKind {
  if (enumOf(schema) !== undefined) return 'enum';
  const choices = variants(schema);
  if (choices.length > 0) return choices.some((choice) => choice.type === 'string') ? 'string' : 'json';
  switch (schema.type) {
    case 'string':
      return typeof schema.maxLength === 'number' && schema.maxLength >= LONG_TEXT ? 'text' : 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'json';
  }
}

/** The fields of an object schema, in the schema's order. */
export function fieldsOf(schema: JsonSchema | null | undefined): SchemaField[] {
  const properties = asSchema(schema?.properties) ?? {};
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  return Object.entries(properties).map(([key, raw]) => {
    const property = asSchema(raw) ?? {};
    const field: SchemaField = { key, kind: kindOf(property), required: required.has(key), secret: property.secret === true || property.writeOnly === true };
    if (typeof property.title === 'string' && property.title !== '') field.title = property.title;
    if (typeof property.description === 'string') field.description = property.description;
    const options = enumOf(property);
    if (options !== undefined) field.options = options;
    if (property.default !== undefined) field.defaultValue = property.default;
    if (property.type === 'integer') field.integer = true;
    if (typeof property.minimum === 'number') field.minimum = property.minimum;
    if (typeof property.maximum === 'number') field.maximum = property.maximum;
    if (typeof property.format === 'string') field.format = property.format;
    return field;
  });
}

/** Every kind of credential the catalogue knows: its connector id, a display name and its schema. */
export interface CredentialKind {
  connector: string;
  name: string;
  schema: JsonSchema;
}

/** Credential kinds of all connectors, including those only actions declare (core.http takes `http`). */
export function credentialKinds(catalogue: readonly CatalogueEntry[]): CredentialKind[] {
  const kinds = new Map<string, CredentialKind>();
  for (const entry of catalogue) {
    if (entry.credentials !== null) kinds.set(entry.id, { connector: entry.id, name: entry.name, schema: entry.credentials });
  }
  for (const entry of catalogue) {
    for (const action of entry.actions) {
      const declared = action.credentials;
      if (declared?.schema !== undefined && !kinds.has(declared.connector)) {
        kinds.set(declared.connector, { connector: declared.connector, name: declared.connector.toUpperCase(), schema: declared.schema });
      }
    }
  }
  return [...kinds.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The name of a connector for people (its catalogue name, else its id). */
export function connectorName(catalogue: readonly CatalogueEntry[], connector: string): string {
  return catalogue.find((entry) => entry.id === connector)?.name ?? connector;
}
