import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KEY_BYTES, KEY_FILE_NAME, keyFileProvider, type KeyProtection, type KeyProvider } from '../host/shell-entry.ts';
import type { Settings } from './settings.ts';

/** A key provider that also says how well the key is protected, for the UI. */
export interface ShellKeyProvider extends KeyProvider {
  readonly protection: KeyProtection;
}

/** The part of Electron's safeStorage the vault key uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

/** What protects safeStorage's secret on each platform, in words for the UI. */
function backendName(platform: NodeJS.Platform, backend: string | undefined): string {
  if (platform === 'darwin') return 'the macOS Keychain';
  if (platform === 'win32') return 'Windows DPAPI';
  return backend === undefined || backend === 'unknown' ? 'the desktop keyring' : `the ${backend.replace(/_/g, '-')} keyring`;
}

/**
 * Whether safeStorage would only pretend: on Linux without a keyring Chromium falls back to its
 * `basic_text` backend, which encrypts with a fixed, well-known password.
 */
export function isPlainTextFallback(safeStorage: SafeStorageLike, platform: NodeJS.Platform): boolean {
  return platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text';
}

/**
 * The vault key in safeStorage: 32 random bytes made once per workspace, kept in the settings file
 * only as `safeStorage.encryptString` output, decrypted in main and handed to the host process at
 * start (never to the renderer). On Linux's `basic_text` backend it says so: `plain-text-fallback`.
 */
export function safeStorageKeyProvider(options: { safeStorage: SafeStorageLike; settings: Settings; workspace: string; platform?: NodeJS.Platform }): ShellKeyProvider {
  const { safeStorage, settings, workspace } = options;
  const platform = options.platform ?? process.platform;
  const fallback = isPlainTextFallback(safeStorage, platform);
  return {
    kind: 'safe-storage',
    protection: fallback ? 'plain-text-fallback' : 'safe-storage',
    detail: fallback
      ? 'Electron safeStorage found no keyring (basic_text backend): the vault key is encrypted with a fixed password, so anyone who can read your settings file can read it'
      : `Electron safeStorage, protected by ${backendName(platform, safeStorage.getSelectedStorageBackend?.())}`,
    getKey: async () => {
      const stored = settings.get('vaultKeys')[workspace];
      if (stored !== undefined) return decryptKey(safeStorage, stored, workspace);
      const key = randomBytes(KEY_BYTES);
      const encrypted = safeStorage.encryptString(key.toString('base64')).toString('base64');
      settings.set('vaultKeys', { ...settings.get('vaultKeys'), [workspace]: encrypted });
      return key;
    },
  };
}

function decryptKey(safeStorage: SafeStorageLike, stored: string, workspace: string): Buffer {
  let text: string;
  try {
    text = safeStorage.decryptString(Buffer.from(stored, 'base64'));
  } catch (err) {
    throw new Error(`the vault key of ${workspace} cannot be decrypted by safeStorage (${err instanceof Error ? err.message : String(err)}); was the keyring reset?`, { cause: err });
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`the vault key of ${workspace} in the settings file is ${key.length} bytes; it must be ${KEY_BYTES}`);
  return key;
}

/**
 * Which key opens the workspace's vault: a `vault.key` file already in the workspace wins (the
 * vault was made by `switchboard serve`, whose key is that file); else safeStorage; else, where
 * safeStorage cannot encrypt at all, a new key file, and the UI is told which.
 */
export function chooseKeyProvider(options: { safeStorage: SafeStorageLike; settings: Settings; workspace: string; platform?: NodeJS.Platform }): ShellKeyProvider {
  const keyFile = path.join(options.workspace, KEY_FILE_NAME);
  const hasSafeKey = options.settings.get('vaultKeys')[options.workspace] !== undefined;
  if (!hasSafeKey && (fs.existsSync(keyFile) || !options.safeStorage.isEncryptionAvailable())) {
    const provider = keyFileProvider(keyFile);
    return { ...provider, protection: 'key-file', getKey: provider.getKey };
  }
  return safeStorageKeyProvider(options);
}
