import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, memoryBackend } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fake.module);

const { chooseKeyProvider, isPlainTextFallback, safeStorageKeyProvider } = await import('../../electron/vault-key.ts');
const { createSettings } = await import('../../electron/settings.ts');
const { openVault } = await import('../../host/vault/vault.ts');
const safeStorage = fake.module.safeStorage;

let workspace: string;

beforeEach(() => {
  fake.reset();
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-vault-key-'));
});

afterEach(() => {
  fs.rmSync(workspace, { recursive: true, force: true });
});

describe('the safeStorage key provider', () => {
  it('makes a 32-byte key once and keeps it only encrypted in the settings', async () => {
    const backend = memoryBackend();
    const settings = createSettings(backend);
    const provider = safeStorageKeyProvider({ safeStorage, settings, workspace, platform: 'darwin' });
    const key = await provider.getKey();
    expect(key).toHaveLength(32);
    expect(await provider.getKey()).toEqual(key);
    const stored = JSON.stringify([...backend.data.entries()]);
    expect(stored).not.toContain(key.toString('base64'));
    expect(stored).not.toContain(key.toString('hex'));
    expect(safeStorage.decryptString(Buffer.from(settings.get('vaultKeys')[workspace] ?? '', 'base64'))).toBe(key.toString('base64'));
    expect(provider).toMatchObject({ kind: 'safe-storage', protection: 'safe-storage' });
    expect(provider.detail).toContain('macOS Keychain');
  });

  it('opens the same vault on the next start', async () => {
    const settings = createSettings(memoryBackend());
    const first = safeStorageKeyProvider({ safeStorage, settings, workspace, platform: 'win32' });
    const vault = await openVault(path.join(workspace, 'vault.json'), first);
    await vault.put({ id: 'vt', name: 'VT', connector: 'virustotal', updatedAt: 1, values: { apiKey: 'secret-value' } });
    const again = await openVault(path.join(workspace, 'vault.json'), safeStorageKeyProvider({ safeStorage, settings, workspace, platform: 'win32' }));
    expect(again.list().map((credential) => credential.name)).toEqual(['VT']);
  });

  it('keeps one key per workspace folder', async () => {
    const settings = createSettings(memoryBackend());
    const a = await safeStorageKeyProvider({ safeStorage, settings, workspace: '/a', platform: 'linux' }).getKey();
    const b = await safeStorageKeyProvider({ safeStorage, settings, workspace: '/b', platform: 'linux' }).getKey();
    expect(a.equals(b)).toBe(false);
    expect(Object.keys(settings.get('vaultKeys')).sort()).toEqual(['/a', '/b']);
  });

  it('reports plain-text-fallback on Linux when safeStorage uses its basic_text backend', () => {
    fake.backend = 'basic_text';
    const provider = safeStorageKeyProvider({ safeStorage, settings: createSettings(memoryBackend()), workspace, platform: 'linux' });
    expect(provider.protection).toBe('plain-text-fallback');
    expect(provider.detail).toMatch(/no keyring/);
    expect(isPlainTextFallback(safeStorage, 'linux')).toBe(true);
    expect(isPlainTextFallback(safeStorage, 'darwin')).toBe(false);
  });

  it('reports safe-storage with the keyring on a Linux desktop that has one', () => {
    fake.backend = 'gnome_libsecret';
    const provider = safeStorageKeyProvider({ safeStorage, settings: createSettings(memoryBackend()), workspace, platform: 'linux' });
    expect(provider.protection).toBe('safe-storage');
    expect(provider.detail).toContain('gnome-libsecret');
  });

  it('fails with one line when the stored key cannot be decrypted (the keyring was reset)', async () => {
    const settings = createSettings(memoryBackend({ vaultKeys: { [workspace]: Buffer.from('garbage').toString('base64') } }));
    await expect(safeStorageKeyProvider({ safeStorage, settings, workspace }).getKey()).rejects.toThrow(/cannot be decrypted by safeStorage/);
  });
});

describe('choosing the key provider', () => {
  it('uses safeStorage for a new workspace', () => {
    const provider = chooseKeyProvider({ safeStorage, settings: createSettings(memoryBackend()), workspace, platform: 'darwin' });
    expect(provider.protection).toBe('safe-storage');
  });

  it("keeps a workspace's existing vault.key (made by switchboard serve)", async () => {
    fs.writeFileSync(path.join(workspace, 'vault.key'), Buffer.alloc(32, 7), { mode: 0o600 });
    const provider = chooseKeyProvider({ safeStorage, settings: createSettings(memoryBackend()), workspace });
    expect(provider).toMatchObject({ kind: 'key-file', protection: 'key-file' });
    expect(await provider.getKey()).toEqual(Buffer.alloc(32, 7));
  });

  it('falls back to a key file, and says so, where safeStorage cannot encrypt', () => {
    fake.encryptionAvailable = false;
    const provider = chooseKeyProvider({ safeStorage, settings: createSettings(memoryBackend()), workspace });
    expect(provider.protection).toBe('key-file');
    expect(provider.detail).toContain(path.join(workspace, 'vault.key'));
  });
});
