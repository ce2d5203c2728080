import * as z from 'zod';

/**
 * What the Okta actions output (find-user.ts and lifecycle.ts build them), for validation of
 * `nodes.<id>.output.…` references. Users are Okta's own objects: open.
 */

const user = z.record(z.string(), z.unknown()).describe('An Okta user as the Users API sends it (id, status, profile.login, profile.email…).');

/** Find user. */
export const findUserOutput = z.object({
  found: z.boolean(),
  count: z.number(),
  truncated: z.boolean(),
  user: user.nullable().describe('The first user that matched, or null.'),
  users: z.array(user),
});

/** Suspend user and Unsuspend user. */
export const suspensionOutput = z.object({
  userId: z.string(),
  status: z.string().describe('SUSPENDED or ACTIVE.'),
  suspended: z.boolean(),
});

/** Clear user sessions. */
export const clearSessionsOutput = z.object({
  userId: z.string(),
  sessionsCleared: z.boolean(),
  oauthTokensRevoked: z.boolean(),
});
