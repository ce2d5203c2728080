import * as z from 'zod';
import type { NodeTypeSpec } from '../engine/node-type.ts';
import type { Connector } from '../nodes/sdk/define-connector.ts';
import type { CatalogueAction, CatalogueEntry, JsonSchema } from './protocol/catalogue.ts';

/** Describes a connector for the catalogue: JSON Schemas instead of zod, no functions. */
export function describeConnector(connector: Connector): CatalogueEntry {
  return {
    id: connector.id,
    name: connector.name,
    category: connector.category,
    description: connector.description,
    docsUrl: connector.docsUrl,
    version: connector.version,
    credentials: connector.credentials === undefined ? null : toJsonSchema(connector.credentials),
    actions: connector.specs.map((spec) => describeSpec(spec, connector)),
  };
}

function describeSpec(spec: NodeTypeSpec, connector: Connector): CatalogueAction {
  const output = connector.actions[spec.action]?.output;
  const entry: CatalogueAction = {
    id: spec.action,
    type: spec.type,
    kind: spec.kind,
    title: spec.title,
    description: spec.description,
    effect: spec.effect,
    idempotent: spec.idempotent ?? spec.effect === 'read',
    input: toJsonSchema(spec.input),
    example: spec.example,
    ports: safePorts(spec),
  };
  if (output !== undefined) entry.output = toJsonSchema(output);
  if (spec.credentials !== undefined && spec.credentials.connector !== connector.id) {
    const { connector: id, required, schema } = spec.credentials;
    entry.credentials = schema === undefined ? { connector: id, required } : { connector: id, required, schema: toJsonSchema(schema) };
  }
  return entry;
}

/** JSON Schema of a zod schema as a form sees it (defaults make fields optional; unrepresentable → any). */
function toJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function safePorts(spec: NodeTypeSpec): string[] {
  try {
    return spec.ports({});
  } catch {
    return [];
  }
}
