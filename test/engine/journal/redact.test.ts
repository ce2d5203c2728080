import { describe, expect, it } from 'vitest';
import {
  createRedactor,
  createScrubber,
  createSecretProbe,
  MIN_SECRET_LENGTH,
  isSensitiveKey,
  mayHoldSensitiveKey,
  redact,
  redactAll,
  redactKeys,
  REDACTED,
  secretForms,
  SENSITIVE_KEYS,
} from '../../../engine/journal/redact.ts';

describe('redact', () => {
  const secrets = ['s3cr3t-token', 'hunter22'];

  it('replaces a secret wherever it appears, also inside longer strings', () => {
    const value = { headers: { Authorization: 'Bearer s3cr3t-token' }, list: ['x hunter22 y', 'clean'], n: 3 };
    expect(redact(value, secrets)).toEqual({
      headers: { Authorization: `Bearer ${REDACTED}` },
      list: [`x ${REDACTED} y`, 'clean'],
      n: 3,
    });
  });

  it('replaces every occurrence, and the longest secret first', () => {
    expect(redact('abcd abcdef abcd', ['abcd', 'abcdef'])).toBe(`${REDACTED} ${REDACTED} ${REDACTED}`);
  });

  it('redacts secrets used as object keys', () => {
    expect(redact({ 'hunter22': 1, other: 2 }, secrets)).toEqual({ [REDACTED]: 1, other: 2 });
  });

  it('returns the very same object when nothing changed', () => {
    const value = { a: { b: ['c', { d: 'e' }] }, f: 1 };
    expect(redact(value, secrets)).toBe(value);
    expect(redact(value, [])).toBe(value);
  });

  it('copies only the changed path and never mutates the input', () => {
    const untouched = { deep: ['x'] };
    const value = { untouched, changed: { token: 'hunter22' } };
    const result = redact(value, secrets) as typeof value;
    expect(result).not.toBe(value);
    expect(result.untouched).toBe(untouched);
    expect(value.changed.token).toBe('hunter22');
  });

  it('ignores secrets shorter than 4 characters and empty ones', () => {
    expect(redact('a 123 ab', ['123', '', 'ab'])).toBe('a 123 ab');
  });

  it('treats regular-expression characters in secrets literally', () => {
    expect(redact('pa$$.w(r)d*', ['$$.w(r)d*'])).toBe(`pa${REDACTED}`);
    expect(redact('xxxxxx', ['x.x.'])).toBe('xxxxxx');
  });

  it('survives cycles and shared references', () => {
    const shared = { v: 'hunter22' };
    const cyclic: Record<string, unknown> = { a: shared, b: shared };
    cyclic.self = cyclic;
    const result = redact(cyclic, secrets) as Record<string, { v: string }>;
    expect(result.a?.v).toBe(REDACTED);
    expect(result.b).toBe(result.a);
  });

  it('keeps an own __proto__ field as data, not as a prototype', () => {
    const value = JSON.parse('{"__proto__": {"x": "hunter22"}, "y": "hunter22"}') as object;
    const result = redact(value, secrets) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(JSON.stringify(result)).toBe(`{"__proto__":{"x":"${REDACTED}"},"y":"${REDACTED}"}`);
  });

  it('redacts what JSON would write for objects with toJSON', () => {
    const value = { when: { toJSON: () => 'token hunter22' } };
    expect(redact(value, secrets)).toEqual({ when: `token ${REDACTED}` });
  });

  it('compiles once per redactor and stays cheap on events without secrets', () => {
    const redactor = createRedactor(secrets);
    const event = { seq: 1, runId: 'r', at: 0, type: 'node.succeeded', nodeId: 'n', output: { values: { a: 1, b: 'text' } } };
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) redactor(event);
    expect(redactor(event)).toBe(event);
    expect((performance.now() - started) / 10_000).toBeLessThan(0.05);
  });
});

describe('redactKeys', () => {
  it('blanks sensitive fields at any depth, whatever their spelling', () => {
    const value = {
      password: 'p',
      nested: { apiKey: 'k', 'X-Api-Key': 'k2', Authorization: 'Basic abc', smtp_password: 'x', client_secret: 's' },
      headers: [{ cookie: 'c' }],
      keep: 'visible',
    };
    expect(redactKeys(value)).toEqual({
      password: REDACTED,
      nested: { apiKey: REDACTED, 'X-Api-Key': REDACTED, Authorization: REDACTED, smtp_password: REDACTED, client_secret: REDACTED },
      headers: [{ cookie: REDACTED }],
      keep: 'visible',
    });
  });

  it('blanks whole objects under a sensitive key, keeps empty and boolean values', () => {
    expect(redactKeys({ token: { a: 1 }, secret: '', password: null, apikey: false })).toEqual({
      token: REDACTED,
      secret: '',
      password: null,
      apikey: false,
    });
  });

  it('leaves look-alike fields alone', () => {
    for (const key of ['tokens_used', 'max_tokens', 'token_type', 'secretName', 'passwordPolicy', 'author']) {
      expect(isSensitiveKey(key), key).toBe(false);
    }
  });

  it('takes a custom list of keys', () => {
    expect(redactKeys({ pin: '1234', password: 'x' }, ['pin'])).toEqual({ pin: REDACTED, password: 'x' });
  });

  it('returns the same object when no field is sensitive', () => {
    const value = { a: [{ b: 1 }] };
    expect(redactKeys(value)).toBe(value);
  });

  it('redactAll applies both nets', () => {
    expect(redactAll({ note: 'key=hunter22', token: 'other' }, ['hunter22'])).toEqual({ note: `key=${REDACTED}`, token: REDACTED });
  });
});

describe('probes on encoded JSON', () => {
  it('flag every default sensitive field name, spelled with separators between words', () => {
    const spellings = [...SENSITIVE_KEYS, 'api_key', 'X-Api-Key', 'client_secret', 'Proxy-Authorization', 'smtp_password', 'session_id', 'Private-Key'];
    for (const key of spellings) expect(mayHoldSensitiveKey(JSON.stringify({ [key]: 'v' })), key).toBe(true);
    expect(mayHoldSensitiveKey(JSON.stringify({ values: { a: 1, b: 'hello' }, nodeId: 'set_x' }))).toBe(false);
  });

  it('look at field names, not values: a URL or a message mentioning a token is no reason to walk', () => {
    const clean = { url: 'https://vendor.example/api/v3/ip', note: 'rotate the session "token": soon', list: ['auth', 'password'] };
    expect(mayHoldSensitiveKey(JSON.stringify(clean))).toBe(false);
    expect(mayHoldSensitiveKey(JSON.stringify({ ...clean, nested: [{ 'x-api-key': 'v' }] }))).toBe(true);
    expect(mayHoldSensitiveKey(JSON.stringify({ 'quoted \\"auth\\" key': 1 }))).toBe(true);
  });

  it('find secrets as written and as JSON escapes them', () => {
    const probe = createSecretProbe(['ab"cd\\ef', 'plain-secret', 'x']);
    expect(probe(JSON.stringify({ v: 'ab"cd\\ef' }))).toBe(true);
    expect(probe(JSON.stringify({ v: 'Bearer plain-secret' }))).toBe(true);
    expect(probe(JSON.stringify({ v: 'x marks nothing' }))).toBe(false);
    expect(createSecretProbe([])('anything')).toBe(false);
  });
});

describe('encoded forms of a secret', () => {
  const secret = 'S3cr3t-T0ken/with space';
  const redactor = createRedactor([secret]);

  it('masks it URL-encoded, as a query value or a form body carries it', () => {
    expect(redactor(`https://vendor.example/api?key=${encodeURIComponent(secret)}&q=1`)).toBe('https://vendor.example/api?key=[REDACTED]&q=1');
    expect(redactor(`key=${encodeURIComponent(secret).replace(/%20/g, '+')}`)).toBe('key=[REDACTED]');
  });

  it('masks it upper- or lowercased by an expression', () => {
    expect(redactor({ shout: secret.toUpperCase(), quiet: secret.toLowerCase() })).toEqual({ shout: REDACTED, quiet: REDACTED });
  });

  it('masks its base64 on its own and inside HTTP Basic, whatever the user name\'s length', () => {
    for (const user of ['al', 'bob', 'carl', '']) {
      const header = `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
      const masked = redactor(header);
      expect(masked).toContain(REDACTED);
      expect(Buffer.from(masked.replace('Basic ', '').replace(REDACTED, ''), 'base64').toString()).not.toContain('T0ken');
    }
    expect(redactor(Buffer.from(secret).toString('base64'))).toContain(REDACTED);
    expect(redactor(Buffer.from(secret).toString('base64url'))).toContain(REDACTED);
  });

  it('is found by the journal store\'s scrubber too, which walks only values whose text holds a secret', () => {
    const event = { output: { echoed: `token=${encodeURIComponent(secret)}` } };
    expect(createScrubber([secret], false)(event, JSON.stringify(event))).toEqual({ output: { echoed: 'token=[REDACTED]' } });
  });

  it('leaves base64 that does not hold the secret alone', () => {
    const other = Buffer.from('an unrelated sentence with some text').toString('base64');
    expect(redactor(other)).toBe(other);
  });

  it('lists the forms it looks for, and none shorter than a secret may be', () => {
    const forms = secretForms(secret);
    expect(forms).toContain(encodeURIComponent(secret));
    expect(forms.every((form) => form.length >= MIN_SECRET_LENGTH)).toBe(true);
  });
});
