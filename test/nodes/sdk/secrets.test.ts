import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { isSecretSchema, secret, secretFieldsOf, secretValues } from '../../../nodes/sdk/secrets.ts';

const schema = z.object({
  baseUrl: z.url(),
  apiKey: secret(z.string()),
  password: secret(z.string()).optional(),
  clientSecret: secret(z.string().default('x')),
  username: z.string(),
});

describe('secrets', () => {
  it('finds secret fields through optional and default wrappers', () => {
    expect(secretFieldsOf(schema)).toEqual(['apiKey', 'password', 'clientSecret']);
    expect(isSecretSchema(schema.shape.username)).toBe(false);
    expect(secretFieldsOf(undefined)).toEqual([]);
  });

  it('lists the secret values of a credential for redaction', () => {
    const credential = { baseUrl: 'https://x', apiKey: 'k-1', password: '', clientSecret: 's-2', username: 'alice' };
    expect(secretValues(credential, { secretFields: ['apiKey', 'password', 'clientSecret'] })).toEqual(['k-1', 's-2']);
    expect(secretValues(credential, schema)).toEqual(['k-1', 's-2']);
    expect(secretValues(undefined, schema)).toEqual([]);
  });
});
