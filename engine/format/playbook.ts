import * as z from 'zod';
import { DEVICE_NAME_MESSAGE, NOT_A_DEVICE_NAME } from './device-names.ts';

/** The current playbook file format; older ones are migrated by `migrate.ts`, newer ones refused. */
export const PLAYBOOK_FORMAT = 'switchboard/playbook@1';
export const PLAYBOOK_FORMAT_VERSION = 1;

/** Node ids are short slugs made from the name at creation; they never change on rename. */
export const NodeIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a slug: lowercase letters, digits and _, starting with a letter');

/** `vendor.action@version`, e.g. `virustotal.url_report@1`. */
export const NodeTypeRefSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+@[0-9]+$/, 'must look like vendor.action@1');

export const RetrySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(20).describe('Attempts in all, the first included (1 = no retry).'),
  delayMs: z.number().int().min(0).max(600_000).optional().describe('Base delay of the exponential backoff.'),
  maxDelayMs: z.number().int().min(0).max(3_600_000).optional().describe('Cap on any one backoff delay; a vendor Retry-After longer than this fails the node RATE_LIMITED instead of retrying early.'),
});

export const NodeSchema = z.strictObject({
  id: NodeIdSchema,
  type: NodeTypeRefSchema,
  name: z.string().min(1).max(200),
  description: z.string().max(5_000).optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  credential: z.string().min(1).max(100).optional().describe('Name of a slot in the playbook credentials manifest.'),
  forEach: z.string().min(1).optional().describe('Template yielding a list; the node runs once per item.'),
  concurrency: z.number().int().min(1).max(100).optional(),
  retry: RetrySchema.optional(),
  timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  join: z.enum(['any', 'all']).optional(),
  disabled: z.boolean().optional(),
  breakpoint: z.boolean().optional(),
});

export const EdgeSchema = z.strictObject({
  id: z.string().min(1).max(100),
  from: z.string(),
  port: z.string().min(1).max(100),
  to: z.string(),
});

export const CredentialSlotSchema = z.strictObject({
  connector: z.string().regex(/^[a-z][a-z0-9_]*$/),
  description: z.string().max(1_000).optional(),
});

export const LayoutEntrySchema = z.strictObject({
  x: z.number(),
  y: z.number(),
  width: z.number().positive().optional(),
  height: z.number().positive().optional(),
});

export const NoteSchema = z.strictObject({
  id: z.string().min(1).max(100),
  text: z.string().max(20_000),
  color: z.string().max(30).optional(),
});

export const PlaybookSchema = z.strictObject({
  $schema: z.string().max(500).optional().describe('JSON Schema reference for editors; ignored by Switchboard.'),
  format: z.literal(PLAYBOOK_FORMAT).describe('File format and version; older versions are migrated, newer refused.'),
  id: z.string().regex(/^[a-z0-9][a-z0-9-_]{0,99}$/, 'must be a slug').regex(NOT_A_DEVICE_NAME, DEVICE_NAME_MESSAGE),
  name: z.string().min(1).max(200),
  description: z.string().max(20_000).default(''),
  revision: z.number().int().min(0).default(0),
  tags: z.array(z.string().max(50)).max(50).default([]),
  vars: z.record(z.string(), z.unknown()).default({}).describe('Constants reachable as `vars` in expressions.'),
  credentials: z
    .record(z.string(), CredentialSlotSchema)
    .default({})
    .describe('Credential slots by name and connector; never a secret value.'),
  nodes: z.array(NodeSchema).max(20_000),
  edges: z.array(EdgeSchema).max(100_000),
  layout: z
    .record(z.string(), LayoutEntrySchema)
    .default({})
    .describe('Canvas positions (and note sizes) by node or note id, apart from the logic.'),
  notes: z.array(NoteSchema).default([]),
});

export type Playbook = z.infer<typeof PlaybookSchema>;
export type PlaybookNode = z.infer<typeof NodeSchema>;
export type PlaybookEdge = z.infer<typeof EdgeSchema>;
export type RetryPolicy = z.infer<typeof RetrySchema>;
export type CredentialSlot = z.infer<typeof CredentialSlotSchema>;
