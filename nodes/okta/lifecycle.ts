import * as z from 'zod';
import type { RunAction } from '../sdk/define-connector.ts';
import { clearSessionsOutput, suspensionOutput } from './outputs.ts';

const userIdField = z.string().min(1).max(512).meta({ title: 'User' }).describe('User id, login or login shortname.');

/** Params of suspend_user and unsuspend_user: the user. */
export const lifecycleInput = z.object({ userId: userIdField });

/** `/api/v1/users/{id}/lifecycle/{operation}` with the id escaped as one path segment. */
export function lifecyclePath(userId: string, operation: 'suspend' | 'unsuspend'): string {
  return `/api/v1/users/${encodeURIComponent(userId)}/lifecycle/${operation}`;
}

/** Suspend an ACTIVE user: they cannot sign in, but keep their groups and app assignments. */
export const suspendUser: RunAction<typeof lifecycleInput> = {
  title: 'Suspend user',
  description:
    'Suspends an ACTIVE user (POST …/lifecycle/suspend): sign-in is blocked until unsuspended, group and app assignments are kept. Okta refuses a user who is not ACTIVE.',
  effect: 'write',
  input: lifecycleInput,
  output: suspensionOutput,
  example: { userId: '00u1a2b3c4d5e6f7g8h9', status: 'SUSPENDED', suspended: true },
  async run(ctx, input) {
    await ctx.http.post(lifecyclePath(input.userId, 'suspend'));
    return { userId: input.userId, status: 'SUSPENDED', suspended: true };
  },
};

/** Return a SUSPENDED user to ACTIVE (the undo of a containment). */
export const unsuspendUser: RunAction<typeof lifecycleInput> = {
  title: 'Unsuspend user',
  description: 'Returns a SUSPENDED user to ACTIVE (POST …/lifecycle/unsuspend). Okta refuses a user who is not SUSPENDED.',
  effect: 'write',
  input: lifecycleInput,
  output: suspensionOutput,
  example: { userId: '00u1a2b3c4d5e6f7g8h9', status: 'ACTIVE', suspended: false },
  async run(ctx, input) {
    await ctx.http.post(lifecyclePath(input.userId, 'unsuspend'));
    return { userId: input.userId, status: 'ACTIVE', suspended: false };
  },
};

/** Params of clear_sessions, with Okta's own query flags. */
export const clearSessionsInput = z.object({
  userId: userIdField,
  oauthTokens: z.boolean().default(false).meta({ title: 'Revoke OAuth tokens' }).describe('Also revoke the OpenID Connect and OAuth refresh and access tokens issued to the user.'),
  forgetDevices: z.boolean().optional().meta({ title: 'Forget devices' }).describe('Also forget the devices the user signed in from (Okta default: true).'),
});

/** Sign the user out everywhere: every Okta session (and optionally OAuth token) is revoked. */
export const clearSessions: RunAction<typeof clearSessionsInput> = {
  title: 'Clear user sessions',
  description: "Revokes all of the user's Okta sessions (DELETE /api/v1/users/{id}/sessions), optionally with their OAuth tokens, forcing a new sign-in everywhere.",
  effect: 'write',
  idempotent: true,
  input: clearSessionsInput,
  output: clearSessionsOutput,
  example: { userId: '00u1a2b3c4d5e6f7g8h9', sessionsCleared: true, oauthTokensRevoked: true },
  async run(ctx, input) {
    const params: Record<string, boolean> = { oauthTokens: input.oauthTokens };
    if (input.forgetDevices !== undefined) params['forgetDevices'] = input.forgetDevices;
    await ctx.http.delete(`/api/v1/users/${encodeURIComponent(input.userId)}/sessions`, { params });
    return { userId: input.userId, sessionsCleared: true, oauthTokensRevoked: input.oauthTokens };
  },
};
