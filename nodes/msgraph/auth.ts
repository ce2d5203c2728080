import { createHash } from 'node:crypto';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import { NodeError } from '../../engine/errors.ts';
import type { ConnectorContext } from '../sdk/define-connector.ts';
import { GRAPH_SCOPE } from './credentials.ts';
import type { MsgraphCredentials } from './credentials.ts';

interface CachedToken {
  accessToken: string;
  /** Clock time after which the token is no longer used (shortly before it really expires). */
  refreshAt: number;
}

/** Tokens per app registration, shared by every node of every run in this process. */
const tokens = new Map<string, CachedToken>();
/** Token requests in flight, so parallel nodes (or mailboxes) ask for one token, not one each. */
const pending = new Map<string, Promise<CachedToken>>();

const MAX_REFRESH_MARGIN_MS = 5 * 60_000;

/** Cache keys per parsed credential object, so the secret is hashed once per credential, not per request. */
const cacheKeys = new WeakMap<MsgraphCredentials, string>();

/** One cache entry per app registration; the secret is hashed in so a rotated secret gets a fresh token. */
export function tokenCacheKey(credentials: MsgraphCredentials): string {
  let key = cacheKeys.get(credentials);
  if (key === undefined) {
    const secretHash = createHash('sha256').update(credentials.clientSecret).digest('hex').slice(0, 16);
    key = [credentials.loginBaseUrl, credentials.tenantId, credentials.clientId, secretHash].join('|');
    cacheKeys.set(credentials, key);
  }
  return key;
}

/** When to stop using a token: five minutes before expiry, or halfway through a short-lived one. */
export function refreshAt(now: number, expiresInSeconds: number): number {
  const lifetimeMs = Math.max(0, expiresInSeconds * 1000);
  return now + lifetimeMs - Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs / 2);
}

/** The v2.0 token endpoint of the tenant. */
export function tokenUrl(credentials: MsgraphCredentials): string {
  return `${credentials.loginBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(credentials.tenantId)}/oauth2/v2.0/token`;
}

/** A cached or freshly issued app-only access token for Microsoft Graph. */
export async function accessToken(ctx: ConnectorContext, credentials: MsgraphCredentials): Promise<string> {
  const key = tokenCacheKey(credentials);
  const cached = tokens.get(key);
  if (cached !== undefined && cached.refreshAt > ctx.clock.now()) return cached.accessToken;
  let request = pending.get(key);
  if (request === undefined) {
    request = requestToken(ctx, credentials).finally(() => pending.delete(key));
    pending.set(key, request);
  }
  const token = await request;
  tokens.set(key, token);
  return token.accessToken;
}

/** Drops a token Graph refused, unless another call already replaced it. */
export function forgetToken(credentials: MsgraphCredentials, accessTokenValue: string): void {
  const key = tokenCacheKey(credentials);
  if (tokens.get(key)?.accessToken === accessTokenValue) tokens.delete(key);
}

/** Client-credentials grant (form-encoded POST), as the Microsoft identity platform documents it. */
async function requestToken(ctx: ConnectorContext, credentials: MsgraphCredentials): Promise<CachedToken> {
  const form = new URLSearchParams({
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    scope: GRAPH_SCOPE,
    grant_type: 'client_credentials',
  });
  const response = await ctx.http.post(tokenUrl(credentials), form.toString(), {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  const data = response.data as { access_token?: unknown; expires_in?: unknown } | undefined;
  const expiresIn = Number(data?.expires_in);
  if (typeof data?.access_token !== 'string' || data.access_token === '' || !Number.isFinite(expiresIn)) {
    throw new NodeError('VENDOR', 'Microsoft Graph token endpoint answered without access_token/expires_in', {
      status: response.status,
      vendor: 'msgraph',
    });
  }
  return { accessToken: data.access_token, refreshAt: refreshAt(ctx.clock.now(), expiresIn) };
}

/**
 * One Graph call with the bearer token. A 401 means the token was refused (revoked, expired early),
 * never that the call ran, so it is dropped and the call repeated once with a fresh token.
 */
export async function graphRequest<T = unknown>(
  ctx: ConnectorContext,
  credentials: MsgraphCredentials,
  config: AxiosRequestConfig,
): Promise<AxiosResponse<T>> {
  const send = (token: string) =>
    ctx.http.request<T>({ ...config, headers: { ...(config.headers as Record<string, string>), Authorization: `Bearer ${token}` } });
  const token = await accessToken(ctx, credentials);
  try {
    return await send(token);
  } catch (error) {
    if (!(error instanceof NodeError) || error.status !== 401) throw error;
    forgetToken(credentials, token);
    return send(await accessToken(ctx, credentials));
  }
}
