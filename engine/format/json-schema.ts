import * as z from 'zod';
import { PLAYBOOK_FORMAT, PlaybookSchema } from './playbook.ts';

/** Where editors and `"$schema"` references find the playbook schema. */
export const PLAYBOOK_JSON_SCHEMA_ID = 'https://switchboard.dev/schema/playbook@1.json';

/**
 * The playbook file format as JSON Schema (draft 2020-12), generated from the zod schema so the
 * two cannot drift: it gives editors completion and lets other tools check files without us.
 */
export function playbookJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(PlaybookSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: PLAYBOOK_JSON_SCHEMA_ID,
    title: 'Switchboard playbook',
    description: `A Switchboard playbook file (*.playbook.json), format ${PLAYBOOK_FORMAT}.`,
    ...rest,
  };
}

/** The schema as written to `schema/playbook.schema.json`: two-space indent, final newline. */
export function playbookJsonSchemaText(): string {
  return `${JSON.stringify(playbookJsonSchema(), null, 2)}\n`;
}
