import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createFileAtomic } from '../workspace/atomic-file.ts';
import { OPEN_READ, openNoFollow } from '../workspace/no-follow.ts';

/** Length of a vault key: AES-256. */
export const KEY_BYTES = 32;

/** The environment variable the `environment` provider reads (base64 of 32 bytes). */
export const VAULT_KEY_ENV = 'SWITCHBOARD_VAULT_KEY';

/** Name of the workspace's key file, made by the headless host and kept by the desktop shell. */
export const KEY_FILE_NAME = 'vault.key';

/** How well the vault key is protected, as `host.info` reports it: a provider's kind, or safeStorage without a keyring. */
export type KeyProtection = KeyProvider['kind'] | 'plain-text-fallback';

/**
 * Where the vault key comes from. The shell chooses: Electron's safeStorage on the desktop, a key
 * file or the environment headless. `detail` says where, for the UI to show plainly.
 */
export interface KeyProvider {
  readonly kind: 'safe-storage' | 'key-file' | 'environment';
  /** Set when the kind alone overstates it: safeStorage on a Linux desktop with no keyring. */
  readonly protection?: KeyProtection;
  readonly detail: string;
  getKey(): Promise<Buffer>;
}

/** A key from `SWITCHBOARD_VAULT_KEY`: for CI and containers, where a file in the workspace will not do. */
export function environmentKeyProvider(env: Readonly<Record<string, string | undefined>> = process.env): KeyProvider {
  return {
    kind: 'environment',
    detail: `from the ${VAULT_KEY_ENV} environment variable`,
    getKey: async () => decodeEnvironmentKey(env[VAULT_KEY_ENV]),
  };
}

/** Decodes `SWITCHBOARD_VAULT_KEY`; throws one line when it is not base64 of 32 bytes. */
export function decodeEnvironmentKey(text: string | undefined): Buffer {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') throw new Error(`${VAULT_KEY_ENV} is empty; set it to base64 of ${KEY_BYTES} random bytes (openssl rand -base64 32)`);
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) throw new Error(`${VAULT_KEY_ENV} must be base64 of ${KEY_BYTES} bytes; it decodes to ${key.length} (openssl rand -base64 32)`);
  return key;
}

/**
 * A key in `<workspace>/vault.key`: 32 random bytes created with mode 0600 on first use. A key file
 * others can read is refused, as ssh refuses a private key left open.
 */
export function keyFileProvider(file: string): KeyProvider {
  return {
    kind: 'key-file',
    detail: `key file ${file} (mode 0600)`,
    getKey: () => readOrCreateKeyFile(file),
  };
}

/**
 * Reads the key file, creating it first when missing; concurrent creators agree on one key. A
 * link in its place is refused, never followed: it could hand out (or plant) a key from anywhere.
 */
export async function readOrCreateKeyFile(file: string): Promise<Buffer> {
  const dir = path.dirname(file);
  if (!fs.existsSync(file)) {
    await fs.promises.mkdir(dir, { recursive: true });
    await createFileAtomic(file, randomBytes(KEY_BYTES), 0o600);
  }
  const handle = await openNoFollow(dir, file, OPEN_READ);
  let key: Buffer;
  try {
    checkKeyFileMode(file, (await handle.stat()).mode);
    key = await handle.readFile();
  } finally {
    await handle.close();
  }
  if (key.length !== KEY_BYTES) throw new Error(`vault key file ${file} holds ${key.length} bytes; it must hold ${KEY_BYTES}`);
  return key;
}

/** Refuses a key file that group or others may read or write (POSIX only: Windows has no such bits). */
export function checkKeyFileMode(file: string, mode: number, platform: NodeJS.Platform = process.platform): void {
  if (platform === 'win32') return;
  const open = mode & 0o077;
  if (open !== 0) {
    throw new Error(`vault key file ${file} is accessible by others (mode 0${(mode & 0o777).toString(8)}); run: chmod 600 ${file}`);
  }
}

/** The provider a headless host uses: the environment variable when set, else the workspace key file. */
export function defaultKeyProvider(workspaceDir: string, env: Readonly<Record<string, string | undefined>> = process.env): KeyProvider {
  if (env[VAULT_KEY_ENV] !== undefined && env[VAULT_KEY_ENV] !== '') return environmentKeyProvider(env);
  return keyFileProvider(path.join(workspaceDir, KEY_FILE_NAME));
}
