import * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import { plainHeaders } from '../sdk/http-errors.ts';
import { parseLinkHeader } from './link-header.ts';
import { findUserOutput } from './outputs.ts';

/** Okta's largest page for /api/v1/users. */
const MAX_PAGE = 200;

/** An Okta user as the API returns it (id, status, profile, _links…); kept whole. */
export type OktaUser = Record<string, unknown> & { id?: string; status?: string; profile?: Record<string, unknown> };

/** Params of find_user: exactly one way of finding (login, id, search or q) and how many to read. */
export const findUserInput = z
  .object({
    login: z.string().min(1).max(512).optional().meta({ title: 'Login' }).describe('Exact login (usually the email); searches profile.login eq "…".'),
    id: z.string().min(1).max(512).optional().meta({ title: 'User ID or login' }).describe('User id, login or login shortname: reads GET /api/v1/users/{id}.'),
    search: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .meta({ title: 'Search expression' })
      .describe('Okta search expression, e.g. profile.department eq "Finance" and status eq "ACTIVE".'),
    q: z.string().min(1).max(200).optional().meta({ title: 'Name or email starts with' }).describe('Starts-with match on first name, last name or email.'),
    limit: z.number().int().min(1).max(10_000).default(20).meta({ title: 'Max users' }).describe('Stop after this many users (Link rel="next" pages are followed until then).'),
    pageSize: z
      .number()
      .int()
      .min(1)
      .max(MAX_PAGE)
      .optional()
      .meta({ title: 'Page size' })
      .describe("Users per page (Okta's limit query parameter); defaults to the smaller of limit and 200."),
  })
  .refine((input) => [input.login, input.id, input.search, input.q].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of login, id, search or q',
    path: ['login'],
  });

type FindUserInput = z.output<typeof findUserInput>;

/** A string literal of an Okta search expression: double quotes and backslashes escaped. */
export function searchLiteral(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The query of the first /api/v1/users request for a login, search expression or `q`. */
export function listQuery(input: FindUserInput): Record<string, string | number> {
  const limit = input.pageSize ?? Math.min(input.limit, MAX_PAGE);
  if (input.login !== undefined) return { search: `profile.login eq ${searchLiteral(input.login)}`, limit };
  if (input.search !== undefined) return { search: input.search, limit };
  return { q: input.q ?? '', limit };
}

/** Whether a `Link` target stays on the org, so the SSWS token is never sent elsewhere. */
function sameOrigin(link: string, baseUrl: string | undefined): boolean {
  try {
    return baseUrl !== undefined && new URL(link).origin === new URL(baseUrl).origin;
  } catch {
    return false;
  }
}

/** Lists users page by page through `Link: <…>; rel="next"` until `limit`. */
async function listUsers(ctx: ConnectorContext, input: FindUserInput): Promise<{ users: OktaUser[]; truncated: boolean }> {
  const users: OktaUser[] = [];
  const baseUrl = ctx.http.defaults.baseURL;
  let request: { url: string; params?: Record<string, string | number> } = { url: '/api/v1/users', params: listQuery(input) };
  for (;;) {
    const response = await ctx.http.get<OktaUser[]>(request.url, { params: request.params });
    const page = Array.isArray(response.data) ? response.data : [];
    for (const user of page) {
      if (users.length === input.limit) return { users, truncated: true };
      users.push(user);
    }
    const next = parseLinkHeader(plainHeaders(response.headers)['link'])['next'];
    if (next === undefined) return { users, truncated: false };
    if (users.length >= input.limit) return { users, truncated: true };
    if (!sameOrigin(next, baseUrl)) {
      throw new NodeError('VENDOR', 'Okta returned a Link rel="next" outside the org URL', { vendor: 'okta' });
    }
    request = { url: next };
  }
}

/** One user by id or login; a 404 means "no such user", which a find reports as not found. */
async function getUser(ctx: ConnectorContext, id: string): Promise<OktaUser[]> {
  try {
    const response = await ctx.http.get<OktaUser>(`/api/v1/users/${encodeURIComponent(id)}`);
    return [response.data];
  } catch (error) {
    if (error instanceof NodeError && error.code === 'NOT_FOUND') return [];
    throw error;
  }
}

/** Find users by login, id, search expression or name prefix; `user` is the first match for playbooks. */
export const findUser: RunAction<typeof findUserInput> = {
  title: 'Find user',
  description:
    'Looks a user up by exact login, by id, by an Okta search expression or by name/email prefix, and returns the matches with their status (ACTIVE, SUSPENDED, …).',
  effect: 'read',
  input: findUserInput,
  output: findUserOutput,
  example: {
    found: true,
    count: 1,
    truncated: false,
    user: {
      id: '00u1a2b3c4d5e6f7g8h9',
      status: 'ACTIVE',
      created: '2024-02-12T09:30:00.000Z',
      activated: '2024-02-12T09:31:12.000Z',
      statusChanged: '2024-02-12T09:31:12.000Z',
      lastLogin: '2026-11-27T08:14:03.000Z',
      lastUpdated: '2026-11-27T08:14:03.000Z',
      passwordChanged: '2026-06-02T10:00:00.000Z',
      type: { id: 'oty1a2b3c4d5e6f7g8h9' },
      profile: { firstName: 'Alice', lastName: 'Nguyen', mobilePhone: null, secondEmail: null, login: 'alice@corp.example', email: 'alice@corp.example', department: 'Finance' },
      credentials: { password: {}, provider: { type: 'OKTA', name: 'OKTA' } },
      _links: { self: { href: 'https://corp.okta.com/api/v1/users/00u1a2b3c4d5e6f7g8h9' } },
    },
    users: [{ id: '00u1a2b3c4d5e6f7g8h9', status: 'ACTIVE', profile: { login: 'alice@corp.example', email: 'alice@corp.example' } }],
  },
  async run(ctx, input) {
    const { users, truncated } = input.id !== undefined ? { users: await getUser(ctx, input.id), truncated: false } : await listUsers(ctx, input);
    return { found: users.length > 0, count: users.length, truncated, user: users[0] ?? null, users };
  },
};
