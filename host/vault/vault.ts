import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createSerialQueue, writeFileInside } from '../workspace/atomic-file.ts';
import { LinkRefusedError, readFileNoFollow } from '../workspace/no-follow.ts';
import { KEY_BYTES, type KeyProvider } from './key-provider.ts';

/** The vault file format; anything else in `vault.json` is refused. */
export const VAULT_FORMAT = 'switchboard/vault@1';

/** A credential as the host holds it in memory: every value in the clear. Never sent to a client. */
export interface StoredCredential {
  id: string;
  name: string;
  connector: string;
  /** Seeded for the lab: the live lab's URLs fill the fields it leaves out. */
  lab?: boolean;
  updatedAt: number;
  values: Record<string, unknown>;
}

/** AES-256-GCM output, base64: a fresh 12-byte IV per record, the 16-byte tag, the ciphertext. */
interface Sealed {
  iv: string;
  tag: string;
  data: string;
}

type SealedCredential = Omit<StoredCredential, 'values'> & Sealed;

interface VaultFile {
  format: typeof VAULT_FORMAT;
  /** A known text sealed with the key: a wrong key is caught on open, even with no credentials. */
  check: Sealed;
  credentials: SealedCredential[];
}

const CHECK_TEXT = 'switchboard-vault';
const CHECK_AAD = 'vault-check';

/** The workspace's credentials, encrypted at rest; values live decrypted only in the host's memory. */
export interface Vault {
  readonly file: string;
  readonly keyProvider: KeyProvider;
  list(): StoredCredential[];
  get(id: string): StoredCredential | undefined;
  /** Adds or replaces a credential and writes the vault atomically. */
  put(credential: StoredCredential): Promise<void>;
  remove(id: string): Promise<boolean>;
}

/** Encrypts `plain` with AES-256-GCM; the associated data binds the ciphertext to its record. */
export function seal(key: Buffer, plain: string, aad: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

/** Decrypts a sealed record; undefined when the key, the data or the associated data do not match. */
export function unseal(key: Buffer, sealed: Sealed, aad: string): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * Opens (or starts) the vault in `file` with the provider's key. A wrong key, a tampered record or
 * a file that is not a vault fails with one line naming the file, never with garbage values.
 */
export async function openVault(file: string, keyProvider: KeyProvider): Promise<Vault> {
  const key = await keyProvider.getKey();
  if (key.length !== KEY_BYTES) throw new Error(`vault key (${keyProvider.detail}) is ${key.length} bytes; it must be ${KEY_BYTES}`);
  const existing = await readVaultFile(file);
  const sealed = new Map<string, SealedCredential>();
  const open = new Map<string, StoredCredential>();
  let check = existing?.check;
  if (existing !== undefined) {
    if (unseal(key, existing.check, CHECK_AAD) !== CHECK_TEXT) {
      throw new Error(`${file}: the vault key (${keyProvider.detail}) does not open this vault; was the key replaced?`);
    }
    for (const record of existing.credentials) {
      open.set(record.id, openRecord(key, record, file));
      sealed.set(record.id, record);
    }
  }
  const serial = createSerialQueue();

  const write = async (): Promise<void> => {
    check ??= seal(key, CHECK_TEXT, CHECK_AAD);
    const content: VaultFile = { format: VAULT_FORMAT, check, credentials: [...sealed.values()] };
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    await writeFileInside(path.dirname(file), file, `${JSON.stringify(content, null, 2)}\n`, 0o600);
  };

  return {
    file,
    keyProvider,
    list: () => [...open.values()].map(copy),
    get: (id) => {
      const found = open.get(id);
      return found === undefined ? undefined : copy(found);
    },
    put: (credential) =>
      serial(async () => {
        const { values, ...meta } = copy(credential);
        const record: SealedCredential = { ...meta, ...seal(key, JSON.stringify({ connector: meta.connector, values }), meta.id) };
        const before = { open: open.get(meta.id), sealed: sealed.get(meta.id) };
        open.set(meta.id, { ...meta, values });
        sealed.set(meta.id, record);
        try {
          await write();
        } catch (err) {
          restore(open, sealed, meta.id, before);
          throw err;
        }
      }),
    remove: (id) =>
      serial(async () => {
        const before = { open: open.get(id), sealed: sealed.get(id) };
        if (before.open === undefined) return false;
        open.delete(id);
        sealed.delete(id);
        try {
          await write();
        } catch (err) {
          restore(open, sealed, id, before);
          throw err;
        }
        return true;
      }),
  };
}

function restore(
  open: Map<string, StoredCredential>,
  sealed: Map<string, SealedCredential>,
  id: string,
  before: { open: StoredCredential | undefined; sealed: SealedCredential | undefined },
): void {
  if (before.open === undefined || before.sealed === undefined) {
    open.delete(id);
    sealed.delete(id);
    return;
  }
  open.set(id, before.open);
  sealed.set(id, before.sealed);
}

function copy(credential: StoredCredential): StoredCredential {
  return { ...credential, values: structuredClone(credential.values) };
}

/** Decrypts one record; its sealed connector must match the clear one (no swapping records). */
function openRecord(key: Buffer, record: SealedCredential, file: string): StoredCredential {
  const plain = unseal(key, record, record.id);
  const parsed = plain === undefined ? undefined : (safeParse(plain) as { connector?: unknown; values?: unknown } | undefined);
  if (parsed === undefined || parsed.connector !== record.connector || !isRecord(parsed.values)) {
    throw new Error(`${file}: credential ${record.id} does not decrypt with this key; the vault was tampered with or the key replaced`);
  }
  const { iv: _iv, tag: _tag, data: _data, ...meta } = record;
  return { ...meta, values: parsed.values };
}

/** Reads and checks the vault file (never through a link); undefined when there is none yet. */
async function readVaultFile(file: string): Promise<VaultFile | undefined> {
  let text: string;
  try {
    text = await readFileNoFollow(path.dirname(file), file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof LinkRefusedError) throw err;
    throw new Error(`${file}: cannot read the vault (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  const data = safeParse(text);
  if (!isRecord(data) || data['format'] !== VAULT_FORMAT) throw new Error(`${file}: not a Switchboard vault (expected format ${VAULT_FORMAT})`);
  if (!isSealed(data['check'])) throw new Error(`${file}: the vault has no key check record`);
  const credentials = data['credentials'];
  if (!Array.isArray(credentials)) throw new Error(`${file}: credentials must be a list`);
  credentials.forEach((record: unknown, index) => {
    if (!isSealedCredential(record)) throw new Error(`${file}: credentials[${index}] is not a sealed credential record`);
  });
  return data as unknown as VaultFile;
}

function isSealed(value: unknown): value is Sealed {
  return isRecord(value) && typeof value['iv'] === 'string' && typeof value['tag'] === 'string' && typeof value['data'] === 'string';
}

function isSealedCredential(value: unknown): value is SealedCredential {
  return (
    isSealed(value) &&
    isRecord(value) &&
    typeof value['id'] === 'string' &&
    typeof value['name'] === 'string' &&
    typeof value['connector'] === 'string' &&
    typeof value['updatedAt'] === 'number'
  );
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
