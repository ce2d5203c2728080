import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { describeConnector } from '../../host/describe-connector.ts';
import { defineConnector } from '../../nodes/sdk/define-connector.ts';
import { secret } from '../../nodes/sdk/secrets.ts';
import { coreConnector } from '../../nodes/core/index.ts';

const okta = defineConnector({
  id: 'okta',
  name: 'Okta',
  category: 'identity',
  docsUrl: 'https://developer.okta.com/docs/api/',
  description: 'Users and sessions.',
  credentials: z.object({ baseUrl: z.url(), token: secret(z.string()), orgName: z.string().optional() }),
  http: (c) => ({ baseURL: c.baseUrl, headers: { Authorization: `SSWS ${c.token}` } }),
  actions: {
    suspend_user: {
      title: 'Suspend user',
      description: 'Suspends a user.',
      input: z.object({ userId: z.string().describe('Okta user id'), reason: z.string().default('incident') }),
      output: z.object({ status: z.string() }),
      effect: 'write',
      example: { status: 'SUSPENDED' },
      request: (input) => ({ method: 'POST', url: `/api/v1/users/${input.userId}/lifecycle/suspend` }),
    },
  },
});

describe('describeConnector', () => {
  it('emits JSON Schemas with secret fields marked, and no functions', () => {
    const entry = describeConnector(okta);
    expect(JSON.parse(JSON.stringify(entry))).toEqual(entry);
    const props = (entry.credentials as { properties: Record<string, Record<string, unknown>> }).properties;
    expect(props['token']).toMatchObject({ type: 'string', secret: true, writeOnly: true });
    expect(props['baseUrl']?.['secret']).toBeUndefined();
    expect(entry.actions).toHaveLength(1);
    const [action] = entry.actions;
    expect(action).toMatchObject({
      id: 'suspend_user',
      type: 'okta.suspend_user@1',
      kind: 'action',
      effect: 'write',
      idempotent: false,
      example: { status: 'SUSPENDED' },
      ports: ['out', 'error'],
    });
    expect(action?.input).toMatchObject({ type: 'object', required: ['userId'] });
    expect(action?.output).toMatchObject({ properties: { status: { type: 'string' } } });
  });

  it("hands the action's output schema to its node spec, for validation to check the fields read from it", () => {
    expect(okta.specs[0]?.output).toBe(okta.actions['suspend_user']?.output);
  });

  it('describes every core node, with the http credential schema on core.http', () => {
    const entry = describeConnector(coreConnector);
    expect(JSON.parse(JSON.stringify(entry)).actions).toHaveLength(entry.actions.length);
    expect(entry.credentials).toBeNull();
    const http = entry.actions.find((a) => a.type === 'core.http@1');
    expect(http?.credentials).toMatchObject({ connector: 'http', required: false });
    const schema = http?.credentials?.schema as { properties: Record<string, Record<string, unknown>> };
    expect(schema.properties['token']?.['secret']).toBe(true);
    expect(schema.properties['username']?.['secret']).toBeUndefined();
    expect(entry.actions.find((a) => a.type === 'core.switch@1')?.ports).toEqual(['default', 'error']);
  });
});
