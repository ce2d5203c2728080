import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PLAYBOOK_JSON_SCHEMA_ID, playbookJsonSchema, playbookJsonSchemaText } from '../../../engine/format/json-schema.ts';

describe('playbookJsonSchema', () => {
  const schema = playbookJsonSchema() as {
    $id: string;
    title: string;
    properties: Record<string, { items?: { additionalProperties?: boolean } }>;
    required: string[];
    additionalProperties: boolean;
  };

  it('names itself and describes a closed object', () => {
    expect(schema.$id).toBe(PLAYBOOK_JSON_SCHEMA_ID);
    expect(schema.title).toBe('Switchboard playbook');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['format', 'id', 'name', 'nodes', 'edges']));
  });

  it('leaves defaulted fields optional, as a file author sees them', () => {
    expect(schema.required).not.toContain('description');
    expect(schema.required).not.toContain('layout');
  });

  it('refuses unknown node fields too', () => {
    expect(schema.properties['nodes']?.items?.additionalProperties).toBe(false);
  });

  it('matches the committed schema/playbook.schema.json (run `npm run schema` after changing the format)', () => {
    const committed = readFileSync(new URL('../../../schema/playbook.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(playbookJsonSchemaText());
  });
});
