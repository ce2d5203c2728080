import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createBuiltinRegistry, builtinConnectors } from '../../../nodes/registry.ts';
import { credentialKinds, credentialProblem, credentialView, hostFieldsOf, mergeCredentialValues, repointProblem } from '../../../host/vault/credential-kinds.ts';
import { checkKeyFileMode, decodeEnvironmentKey, defaultKeyProvider, environmentKeyProvider, keyFileProvider, type KeyProvider } from '../../../host/vault/key-provider.ts';
import { openVault, seal, unseal, type StoredCredential } from '../../../host/vault/vault.ts';
import { useTempDir } from '../../support/temp-dir.ts';

const CANARY = 'canary-vault-3e8b1f0a9d-secret';
const posix = process.platform !== 'win32';
const dir = useTempDir('switchboard-vault-');
let file: string;

const keyOf = (key: Buffer): KeyProvider => ({ kind: 'environment', detail: 'a test key', getKey: async () => key });

const credential = (values: Record<string, unknown>, id = 'vt-prod'): StoredCredential => ({ id, name: 'VT prod', connector: 'virustotal', updatedAt: 1, values });

beforeEach(() => {
  file = path.join(dir(), 'vault.json');
});

describe('the vault on disk', () => {
  it('never holds a secret in plain text, and reads it back with the key', async () => {
    const key = randomBytes(32);
    const vault = await openVault(file, keyOf(key));
    await vault.put(credential({ apiKey: CANARY, baseUrl: 'https://vt.example/api/v3' }));
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain(Buffer.from(CANARY).toString('base64'));
    expect(text).not.toContain('vt.example');
    if (posix) expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const reopened = await openVault(file, keyOf(key));
    expect(reopened.get('vt-prod')?.values).toEqual({ apiKey: CANARY, baseUrl: 'https://vt.example/api/v3' });
  });

  it('gives one clear line for a wrong key, not garbage', async () => {
    const vault = await openVault(file, keyOf(randomBytes(32)));
    await vault.put(credential({ apiKey: CANARY }));
    const opening = openVault(file, keyOf(randomBytes(32)));
    await expect(opening).rejects.toThrow(/vault\.json: the vault key \(a test key\) does not open this vault/);
    const message = await opening.then(() => '', (err: Error) => err.message);
    expect(message.split('\n')).toHaveLength(1);
    expect(message).not.toContain(CANARY);
  });

  it('catches a wrong key even with no credentials stored', async () => {
    const vault = await openVault(file, keyOf(randomBytes(32)));
    await vault.put(credential({ apiKey: 'x' }));
    await vault.remove('vt-prod');
    await expect(openVault(file, keyOf(randomBytes(32)))).rejects.toThrow(/does not open this vault/);
  });

  it('refuses a record moved to another id or connector (the id is associated data)', async () => {
    const key = randomBytes(32);
    const vault = await openVault(file, keyOf(key));
    await vault.put(credential({ apiKey: CANARY }));
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    data.credentials[0].id = 'other';
    fs.writeFileSync(file, JSON.stringify(data));
    await expect(openVault(file, keyOf(key))).rejects.toThrow(/credential other does not decrypt/);
    data.credentials[0].id = 'vt-prod';
    data.credentials[0].connector = 'abuseipdb';
    fs.writeFileSync(file, JSON.stringify(data));
    await expect(openVault(file, keyOf(key))).rejects.toThrow(/credential vt-prod does not decrypt/);
  });

  it('refuses a file that is not a vault, naming it', async () => {
    fs.writeFileSync(file, '{"hello": 1}');
    await expect(openVault(file, keyOf(randomBytes(32)))).rejects.toThrow(`${file}: not a Switchboard vault`);
    fs.writeFileSync(file, 'garbage');
    await expect(openVault(file, keyOf(randomBytes(32)))).rejects.toThrow(`${file}: not a Switchboard vault`);
  });

  it('uses a fresh IV per record, so equal secrets do not look equal', () => {
    const key = randomBytes(32);
    const a = seal(key, CANARY, 'a');
    const b = seal(key, CANARY, 'a');
    expect(a.iv).not.toBe(b.iv);
    expect(a.data).not.toBe(b.data);
    expect(Buffer.from(a.iv, 'base64')).toHaveLength(12);
    expect(unseal(key, a, 'a')).toBe(CANARY);
    expect(unseal(key, a, 'b')).toBeUndefined();
  });

  it('removes and updates credentials, writing atomically', async () => {
    const vault = await openVault(file, keyOf(randomBytes(32)));
    await vault.put(credential({ apiKey: 'one-secret' }));
    await vault.put(credential({ apiKey: 'two-secret' }));
    expect(vault.list()).toHaveLength(1);
    expect(vault.get('vt-prod')?.values['apiKey']).toBe('two-secret');
    expect(await vault.remove('vt-prod')).toBe(true);
    expect(await vault.remove('vt-prod')).toBe(false);
    expect(fs.readdirSync(dir()).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('key providers', () => {
  it('creates the key file with mode 0600 and 32 random bytes, and reuses it', async () => {
    const keyFile = path.join(dir(), 'nested', 'vault.key');
    const provider = keyFileProvider(keyFile);
    expect(provider.kind).toBe('key-file');
    const key = await provider.getKey();
    expect(key).toHaveLength(32);
    if (posix) expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(await keyFileProvider(keyFile).getKey()).toEqual(key);
  });

  it.runIf(posix)('refuses a key file others can read, with the fix in the message', async () => {
    const keyFile = path.join(dir(), 'vault.key');
    fs.writeFileSync(keyFile, randomBytes(32), { mode: 0o644 });
    fs.chmodSync(keyFile, 0o644);
    await expect(keyFileProvider(keyFile).getKey()).rejects.toThrow(`vault key file ${keyFile} is accessible by others (mode 0644); run: chmod 600 ${keyFile}`);
  });

  it('checks modes only where they exist', () => {
    expect(() => checkKeyFileMode('k', 0o100600, 'linux')).not.toThrow();
    expect(() => checkKeyFileMode('k', 0o100640, 'linux')).toThrow(/mode 0640/);
    expect(() => checkKeyFileMode('k', 0o100666, 'win32')).not.toThrow();
  });

  it('refuses a key file of the wrong length', async () => {
    const keyFile = path.join(dir(), 'vault.key');
    fs.writeFileSync(keyFile, 'short', { mode: 0o600 });
    await expect(keyFileProvider(keyFile).getKey()).rejects.toThrow(/holds 5 bytes; it must hold 32/);
  });

  it('reads SWITCHBOARD_VAULT_KEY as base64 of 32 bytes and says what is wrong otherwise', async () => {
    const key = randomBytes(32);
    expect(await environmentKeyProvider({ SWITCHBOARD_VAULT_KEY: key.toString('base64') }).getKey()).toEqual(key);
    expect(await environmentKeyProvider({ SWITCHBOARD_VAULT_KEY: key.toString('base64url') }).getKey()).toEqual(key);
    expect(() => decodeEnvironmentKey(undefined)).toThrow(/SWITCHBOARD_VAULT_KEY is empty/);
    expect(() => decodeEnvironmentKey(randomBytes(16).toString('base64'))).toThrow(/decodes to 16/);
    expect(() => decodeEnvironmentKey('not base64 at all!')).toThrow(/must be base64 of 32 bytes/);
  });

  it('prefers the environment, else the workspace key file', () => {
    expect(defaultKeyProvider(dir(), { SWITCHBOARD_VAULT_KEY: 'x' }).kind).toBe('environment');
    expect(defaultKeyProvider(dir(), {})).toMatchObject({ kind: 'key-file', detail: expect.stringContaining(path.join(dir(), 'vault.key')) });
  });
});

describe('secret fields are write-only', () => {
  const kinds = credentialKinds(builtinConnectors, createBuiltinRegistry());
  const vt = kinds.get('virustotal')!;

  it('knows each connector credential and the shared http one', () => {
    expect(vt.secretFields).toEqual(['apiKey']);
    expect(kinds.get('http')?.secretFields).toEqual(expect.arrayContaining(['apiKey', 'token', 'password']));
  });

  it('shows secret fields only as set or not', () => {
    const view = credentialView(credential({ apiKey: CANARY, baseUrl: 'https://vt.example' }), vt);
    expect(view.fields).toEqual({ baseUrl: 'https://vt.example', apiKey: { set: true } });
    expect(JSON.stringify(view)).not.toContain(CANARY);
    expect(credentialView(credential({ baseUrl: 'https://vt.example' }), vt).fields['apiKey']).toEqual({ set: false });
  });

  it('treats every field of an unknown connector as secret', () => {
    const view = credentialView({ ...credential({ anything: CANARY }), connector: 'retired' }, undefined);
    expect(view.fields).toEqual({ anything: { set: true } });
  });

  it('keeps a stored secret left out of an edit, clears it on null, takes other fields as sent', () => {
    const stored = { apiKey: CANARY, baseUrl: 'https://a.example' };
    expect(mergeCredentialValues(stored, { baseUrl: 'https://b.example' }, vt.secretFields)).toEqual({ apiKey: CANARY, baseUrl: 'https://b.example' });
    expect(mergeCredentialValues(stored, { apiKey: undefined }, vt.secretFields)).toEqual({ apiKey: CANARY });
    expect(mergeCredentialValues(stored, { apiKey: 'new-secret' }, vt.secretFields)).toEqual({ apiKey: 'new-secret' });
    expect(mergeCredentialValues(stored, { apiKey: null }, vt.secretFields)).toEqual({});
  });

  it('refuses an edit that re-points a stored secret without entering it again, naming the field', () => {
    const okta = kinds.get('okta')!;
    const stored = { name: 'Okta prod', values: { baseUrl: 'https://acme.okta.com', apiToken: CANARY } };
    expect(hostFieldsOf(okta)).toEqual(['baseUrl']);
    expect(hostFieldsOf(kinds.get('http')!)).toEqual(['baseUrl', 'allowedHosts']);
    expect(hostFieldsOf(kinds.get('msgraph')!)).toEqual(expect.arrayContaining(['baseUrl', 'loginBaseUrl']));
    expect(repointProblem(stored, { baseUrl: 'http://127.0.0.1:9999' }, okta)).toBe(
      'values.baseUrl: changing where credential "Okta prod" is sent needs its secret again (enter values.apiToken)',
    );
    expect(repointProblem(stored, {}, okta)).toMatch(/^values\.baseUrl: changing where/);
    expect(repointProblem(stored, { baseUrl: 'http://127.0.0.1:9999', apiToken: 'typed-again' }, okta)).toBeUndefined();
    expect(repointProblem(stored, { baseUrl: 'https://acme.okta.com' }, okta)).toBeUndefined();
    expect(repointProblem(undefined, { baseUrl: 'http://127.0.0.1:9999' }, okta)).toBeUndefined();
    const http = kinds.get('http')!;
    const token = { name: 'SIEM', values: { baseUrl: 'https://siem.corp.local', allowedHosts: ['siem.corp.local:8089'], token: CANARY } };
    expect(repointProblem(token, { baseUrl: 'https://siem.corp.local', allowedHosts: ['evil.test'] }, http)).toMatch(/^values\.allowedHosts: changing where credential "SIEM" is sent needs its secret again \(enter values\.token\)$/);
    expect(repointProblem(token, { baseUrl: 'https://siem.corp.local', allowedHosts: ['siem.corp.local:8089'], username: 'svc' }, http)).toBeUndefined();
  });

  it('checks values against the schema, naming the field', () => {
    expect(credentialProblem(vt, { apiKey: 'k' })).toBeUndefined();
    expect(credentialProblem(vt, {})).toMatch(/^values\.apiKey: /);
    expect(credentialProblem(vt, { apiKey: 'k', baseUrl: 'ftp://x' })).toMatch(/^values\.baseUrl: /);
    expect(credentialProblem(vt, { apiKey: 'k', extra: 1 })).toMatch(/^values\.extra: not a field of the VirusTotal credential/);
  });
});
