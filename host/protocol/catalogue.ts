import type { ConnectorCategory } from '../../nodes/sdk/define-connector.ts';

/*
 * The connector catalogue's shape: plain JSON the host sends over the protocol (`catalogue.list`),
 * so the editor, which never imports nodes/, knows each action's inputs, outputs and credentials.
 */

/** A JSON Schema document as zod emits it. */
export type JsonSchema = Record<string, unknown>;

/** One node type as the CLI and the editor's palette show it. */
export interface CatalogueAction {
  id: string;
  type: string;
  kind: 'trigger' | 'action';
  title: string;
  description: string;
  effect: 'read' | 'write';
  idempotent: boolean;
  input: JsonSchema;
  output?: JsonSchema;
  example: unknown;
  /** Ports with default params (a switch adds its case names once they are set). */
  ports: string[];
  /** Set when the node takes a credential of another connector (core.http takes `http`). */
  credentials?: { connector: string; required: boolean; schema?: JsonSchema };
}

/** A connector's catalogue entry: plain JSON, sent over the protocol (the renderer never imports nodes/). */
export interface CatalogueEntry {
  id: string;
  name: string;
  category: ConnectorCategory;
  description: string;
  docsUrl: string;
  version: number;
  /** JSON Schema of the credential; secret fields carry `secret: true, writeOnly: true`. */
  credentials: JsonSchema | null;
  actions: CatalogueAction[];
}
