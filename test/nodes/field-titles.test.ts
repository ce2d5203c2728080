import { describe, expect, it } from 'vitest';
import { fieldLabel } from '../../engine/validate/message-names.ts';
import { describeConnector } from '../../host/describe-connector.ts';
import type { JsonSchema } from '../../host/protocol/catalogue.ts';
import { builtinConnectors } from '../../nodes/registry.ts';

/** One field a person fills in: where it is (`connector.action.field`) and the title its label shows. */
interface FormField {
  path: string;
  title: string | undefined;
}

/**
 * The fields of an object schema as the catalogue sends it, with the fields of nested objects
 * (`visibility.type`), because validation names those by their title too. Output schemas are not forms.
 */
function formFields(schema: JsonSchema | null | undefined, path: string): FormField[] {
  const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).flatMap(([key, property]) => {
    const here = `${path}.${key}`;
    const title = typeof property.title === 'string' && property.title !== '' ? property.title : undefined;
    const nested = property.type === 'object' ? formFields(property, here) : [];
    return [{ path: here, title }, ...nested];
  });
}

/** Every field of every built-in connector: its credential, and each action's and trigger's params and own credential. */
function everyFormField(): FormField[] {
  return builtinConnectors.flatMap((connector) => {
    const entry = describeConnector(connector);
    return [
      ...formFields(entry.credentials, `${entry.id}.credentials`),
      ...entry.actions.flatMap((action) => [
        ...formFields(action.input, `${entry.id}.${action.id}`),
        ...formFields(action.credentials?.schema, `${entry.id}.${action.id}.credentials`),
      ]),
    ];
  });
}

const fields = everyFormField();

describe('field titles of the built-in connectors', () => {
  it('finds the fields of every connector, including nested ones and the credentials actions declare', () => {
    expect(fields.length).toBeGreaterThan(300);
    const paths = fields.map((field) => field.path);
    expect(paths).toContain('abuseipdb.check_ip.ipAddress');
    expect(paths).toContain('okta.credentials.apiToken');
    expect(paths).toContain('jira.add_comment.visibility.type');
    expect(paths).toContain('core.http.credentials.apiKey');
    expect(paths).toContain('splunk.notable_trigger.intervalSeconds');
  });

  it('gives every param, trigger param and credential field a title, so no form or message shows a raw key', () => {
    expect(fields.filter((field) => field.title === undefined).map((field) => field.path)).toEqual([]);
  });

  it('keeps titles short labels in sentence case: a capital first, no full stop, at most 40 characters', () => {
    const offStyle = fields.filter(({ title }) => title !== undefined && (!/^[A-Z0-9]/.test(title) || title.endsWith('.') || title.length > 40));
    expect(offStyle.map(({ path, title }) => `${path}: ${title}`)).toEqual([]);
  });

  it('names a field by its title in validation messages, not by its key', () => {
    const specs = builtinConnectors.flatMap((connector) => connector.specs);
    const checkIp = specs.find((spec) => spec.type === 'abuseipdb.check_ip@1');
    const addComment = specs.find((spec) => spec.type === 'jira.add_comment@1');
    const fileReport = specs.find((spec) => spec.type === 'virustotal.file_report@1');
    if (checkIp === undefined || addComment === undefined || fileReport === undefined) throw new Error('a built-in action is missing');
    expect(fieldLabel(checkIp.input, ['ipAddress'])).toBe('IP address');
    expect(fieldLabel(addComment.input, ['issueIdOrKey'])).toBe('Issue key or ID');
    expect(fieldLabel(addComment.input, ['visibility', 'value'])).toBe('Role or group');
    expect(fieldLabel(fileReport.input, ['id'])).toBe('File hash (MD5, SHA-1 or SHA-256)');
  });
});

describe('the walk over a schema', () => {
  it('names `connector.action.field` for a field without a title, nested fields included', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        query: { type: 'string', title: 'Query' },
        maxResults: { type: 'integer' },
        sort: { type: 'object', title: 'Sort', properties: { field: { type: 'string' } } },
      },
    };
    const untitled = formFields(schema, 'vendor.search').filter((field) => field.title === undefined);
    expect(untitled.map((field) => field.path)).toEqual(['vendor.search.maxResults', 'vendor.search.sort.field']);
  });
});
