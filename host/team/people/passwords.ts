import crypto from 'node:crypto';
import { PeopleError } from './people-error.ts';

/**
 * Password hashing for team accounts: scrypt (node:crypto) with a random 16-byte salt, stored as
 * `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` so the cost can rise later without breaking old hashes.
 */

/** The scrypt cost new hashes use: N = 2^15, r = 8, p = 1 (32 MiB, a tenth of a second or so). */
export const SCRYPT_COST = { N: 32_768, r: 8, p: 1 } as const;

/** The shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 12;
/** The longest password accepted: anything longer is a mistake or an attempt to make hashing expensive. */
export const MAX_PASSWORD_LENGTH = 1024;

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** The highest N a stored hash may ask for, so a corrupted row cannot make a login allocate gigabytes. */
const MAX_N = 1 << 20;

/** Refuses a password too short or too long, in one line naming the field. */
export function checkPassword(password: string): void {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
    throw new PeopleError('WEAK_PASSWORD', `password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) throw new PeopleError('WEAK_PASSWORD', `password must be at most ${MAX_PASSWORD_LENGTH} characters`);
}

function scrypt(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    crypto.scrypt(password.normalize('NFC'), salt, KEY_BYTES, { ...cost, maxmem: 256 * cost.N * cost.r * cost.p }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hashes a password (checked first) for storage, with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  checkPassword(password);
  const salt = crypto.randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, SCRYPT_COST);
  return ['scrypt', SCRYPT_COST.N, SCRYPT_COST.r, SCRYPT_COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** A stored hash's parts; undefined when it is not one this module wrote. */
function parseStored(stored: string): { cost: { N: number; r: number; p: number }; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((x) => (/^[0-9]{1,8}$/.test(x ?? '') ? Number(x) : NaN));
  if (N === undefined || r === undefined || p === undefined) return undefined;
  if (!(N >= 2 && N <= MAX_N && (N & (N - 1)) === 0 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const key = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length === 0 || key.length !== KEY_BYTES) return undefined;
  return { cost: { N, r, p }, salt, key };
}

/**
 * A well-formed hash no password matches, at today's cost: a login for an unknown name checks
 * against it, so it costs the same time as a wrong password and does not reveal which names exist.
 */
export const DUMMY_HASH = ['scrypt', SCRYPT_COST.N, SCRYPT_COST.r, SCRYPT_COST.p, Buffer.alloc(SALT_BYTES).toString('base64'), Buffer.alloc(KEY_BYTES).toString('base64')].join('$');

/**
 * Whether `password` matches `stored`, compared in constant time. A malformed stored value never
 * matches but still costs one scrypt, like every other answer.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseStored(stored);
  const target = parsed ?? parseStored(DUMMY_HASH)!;
  const candidate = typeof password === 'string' && password.length <= MAX_PASSWORD_LENGTH ? password : '';
  const key = await scrypt(candidate, target.salt, target.cost);
  return crypto.timingSafeEqual(key, target.key) && parsed !== undefined && candidate !== '';
}
