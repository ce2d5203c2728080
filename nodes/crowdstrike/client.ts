import { createHash } from 'node:crypto';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import { NodeError } from '../../engine/errors.ts';
import type { ConnectorContext } from '../sdk/define-connector.ts';
import type { CrowdstrikeCredentials } from './credentials.ts';

/** The envelope of every Falcon API answer: `{meta, resources, errors}`. */
export interface FalconEnvelope<R> {
  meta?: { query_time?: number; powered_by?: string; trace_id?: string; pagination?: { offset?: number | string; limit?: number; total?: number } };
  resources?: R[] | null;
  errors?: Array<{ code?: number; message?: string; id?: string }> | null;
}

/** `POST /oauth2/token` answers 201 with this (tokens live 30 minutes: `expires_in` 1799). */
interface TokenResponse {
  access_token?: unknown;
  token_type?: unknown;
  expires_in?: unknown;
}

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

const VENDOR = 'CrowdStrike Falcon';
const EXPIRY_MARGIN_MS = 60_000;
/** Bearer tokens per credential (keyed by cloud, client and a hash of the secret), reused until shortly before expiry. */
const tokenCache = new Map<string, CachedToken>();
/** Token cache keys per parsed credential object, so the secret is hashed once per credential, not per request. */
const cacheKeys = new WeakMap<CrowdstrikeCredentials, string>();

/** Forgets every cached bearer token (tests, or after rotating a client secret). */
export function forgetFalconTokens(): void {
  tokenCache.clear();
}

/**
 * The Falcon error body `{meta, errors:[{code, message}]}` as one line: the messages joined, since the
 * code repeats the HTTP status. Used as the connector's `vendorError`.
 */
export function falconErrorMessage(_status: number, body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const errors = (body as FalconEnvelope<unknown>).errors;
  if (!Array.isArray(errors)) return undefined;
  const messages = errors.map((e) => e?.message).filter((m): m is string => typeof m === 'string' && m.trim() !== '');
  return messages.length === 0 ? undefined : messages.join('; ');
}

/** When a token should be replaced: a minute (or a tenth of its life, if shorter) before it expires. */
export function tokenExpiry(obtainedAt: number, expiresInSeconds: number): number {
  const lifetime = Math.max(0, expiresInSeconds * 1000);
  return obtainedAt + lifetime - Math.min(EXPIRY_MARGIN_MS, lifetime / 10);
}

function cacheKey(credentials: CrowdstrikeCredentials): string {
  let key = cacheKeys.get(credentials);
  if (key === undefined) {
    const secretHash = createHash('sha256').update(credentials.client_secret).digest('hex');
    key = [credentials.baseUrl, credentials.client_id, credentials.member_cid ?? '', secretHash].join('\n');
    cacheKeys.set(credentials, key);
  }
  return key;
}

async function fetchToken(ctx: ConnectorContext, credentials: CrowdstrikeCredentials): Promise<CachedToken> {
  const form = new URLSearchParams({ client_id: credentials.client_id, client_secret: credentials.client_secret });
  if (credentials.member_cid !== undefined) form.set('member_cid', credentials.member_cid);
  const obtainedAt = ctx.clock.now();
  const response = await ctx.http.post<TokenResponse>('/oauth2/token', form.toString(), {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  const { access_token: token, expires_in: expiresIn } = response.data ?? {};
  if (typeof token !== 'string' || token === '') {
    throw new NodeError('VENDOR', `${VENDOR} /oauth2/token answered ${response.status} without an access_token`, {
      status: response.status,
      vendor: 'crowdstrike',
    });
  }
  return { accessToken: token, expiresAt: tokenExpiry(obtainedAt, typeof expiresIn === 'number' ? expiresIn : 1799) };
}

async function bearerToken(ctx: ConnectorContext, credentials: CrowdstrikeCredentials, key: string): Promise<string> {
  const cached = tokenCache.get(key);
  if (cached !== undefined && ctx.clock.now() < cached.expiresAt) return cached.accessToken;
  const fresh = await fetchToken(ctx, credentials);
  tokenCache.set(key, fresh);
  return fresh.accessToken;
}

function withBearer(config: AxiosRequestConfig, token: string): AxiosRequestConfig {
  return { ...config, headers: { ...(config.headers as Record<string, string> | undefined), Authorization: `Bearer ${token}` } };
}

/**
 * One Falcon API call with a bearer token from the per-credential cache. A 401 (token revoked or
 * expired early) drops the cached token and retries once with a fresh one.
 */
export async function falconRequest<T>(ctx: ConnectorContext, config: AxiosRequestConfig): Promise<AxiosResponse<T>> {
  const credentials = ctx.credential as CrowdstrikeCredentials;
  const key = cacheKey(credentials);
  const token = await bearerToken(ctx, credentials, key);
  try {
    return await ctx.http.request<T>(withBearer(config, token));
  } catch (error) {
    if (!(error instanceof NodeError) || error.status !== 401) throw error;
    tokenCache.delete(key);
    return ctx.http.request<T>(withBearer(config, await bearerToken(ctx, credentials, key)));
  }
}

/** The `resources` of an envelope as strings (query endpoints answer ids). */
export function resourceIds(envelope: FalconEnvelope<unknown> | undefined): string[] {
  return (envelope?.resources ?? []).filter((id): id is string => typeof id === 'string');
}

/**
 * Follows a `/queries/` endpoint's offset pagination (`meta.pagination.total`) until `limit` ids are
 * collected or the result set ends; `pageSize` is the endpoint's own maximum `limit`.
 */
export async function queryIds(
  ctx: ConnectorContext,
  url: string,
  params: Record<string, string | number | boolean | undefined>,
  limit: number,
  pageSize: number,
): Promise<{ ids: string[]; total: number }> {
  const ids: string[] = [];
  let total = 0;
  for (let offset = 0; ids.length < limit; ) {
    const pageLimit = Math.min(pageSize, limit - ids.length);
    const { data } = await falconRequest<FalconEnvelope<string>>(ctx, { method: 'GET', url, params: { ...params, limit: pageLimit, offset } });
    const page = resourceIds(data);
    ids.push(...page);
    offset += page.length;
    total = data?.meta?.pagination?.total ?? offset;
    if (page.length === 0 || offset >= total) break;
  }
  return { ids: ids.slice(0, limit), total: Math.max(total, ids.length) };
}

/** Splits ids into the batches an entities endpoint accepts. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Accepts one id or a list, drops blanks and duplicates, keeps order. */
export function idList(value: string | readonly string[]): string[] {
  const list = typeof value === 'string' ? [value] : value;
  return [...new Set(list.map((id) => id.trim()).filter((id) => id !== ''))];
}
