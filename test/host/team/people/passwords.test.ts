import { describe, expect, it } from 'vitest';
import { checkPassword, DUMMY_HASH, hashPassword, SCRYPT_COST, verifyPassword } from '../../../../host/team/people/passwords.ts';

describe('passwords', () => {
  it('are stored as scrypt$N$r$p$salt$hash with a fresh 16-byte salt each time', async () => {
    const first = await hashPassword('correct horse battery');
    const second = await hashPassword('correct horse battery');
    const parts = first.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', String(SCRYPT_COST.N), String(SCRYPT_COST.r), String(SCRYPT_COST.p)]);
    expect(Buffer.from(parts[4]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5]!, 'base64')).toHaveLength(32);
    expect(first).not.toContain('correct horse');
    expect(second).not.toBe(first);
  });

  it('match the right password and not a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('never match the dummy hash an unknown name is checked against, nor a malformed one', async () => {
    expect(await verifyPassword('correct horse battery', DUMMY_HASH)).toBe(false);
    expect(await verifyPassword('correct horse battery', 'plain text')).toBe(false);
    expect(await verifyPassword('correct horse battery', 'scrypt$1073741824$8$1$AAAA$AAAA')).toBe(false);
  });

  it('refuses a password shorter than 12 characters, in one line naming the field', async () => {
    expect(() => checkPassword('short')).toThrow(/^WEAK_PASSWORD: password must be at least 12 characters$/);
    await expect(hashPassword('elevenchars')).rejects.toMatchObject({ code: 'WEAK_PASSWORD' });
    expect(() => checkPassword('twelve chars')).not.toThrow();
  });
});
