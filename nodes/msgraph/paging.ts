import type { AxiosResponse } from 'axios';
import { NodeError } from '../../engine/errors.ts';
import type { ConnectorContext } from '../sdk/define-connector.ts';
import { graphRequest } from './auth.ts';
import type { MsgraphCredentials } from './credentials.ts';

/** One page of a Graph collection. */
export interface GraphPage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/** `/users/{id}` with the id or userPrincipalName escaped as one path segment. */
export function userPath(userId: string): string {
  return `/users/${encodeURIComponent(userId)}`;
}

/**
 * An OData query string. Spaces are sent as %20 (not `+`) and `$` stays literal in the keys, as the
 * Graph docs write them; absent values are left out.
 */
export function odataQuery(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** Whether `link` stays on the configured Graph origin, so the bearer token is never sent elsewhere. */
export function isSameOrigin(link: string, baseUrl: string): boolean {
  try {
    return new URL(link).origin === new URL(baseUrl).origin;
  } catch {
    return false;
  }
}

/**
 * Reads a collection page by page, following the full `@odata.nextLink` URL (never rebuilding its
 * `$skip`/`$skiptoken`), until `limit` items were read or the last page came.
 */
export async function collectPages<T>(
  ctx: ConnectorContext,
  credentials: MsgraphCredentials,
  firstUrl: string,
  limit: number,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let url: string | undefined = firstUrl;
  while (url !== undefined) {
    const response: AxiosResponse<GraphPage<T>> = await graphRequest<GraphPage<T>>(ctx, credentials, { method: 'GET', url });
    const page: GraphPage<T> = response.data;
    for (const item of page.value ?? []) {
      if (items.length === limit) return { items, truncated: true };
      items.push(item);
    }
    const next: string | undefined = page['@odata.nextLink'];
    if (next === undefined) return { items, truncated: false };
    if (items.length >= limit) return { items, truncated: true };
    if (!isSameOrigin(next, credentials.baseUrl)) {
      throw new NodeError('VENDOR', `Microsoft Graph returned an @odata.nextLink outside ${new URL(credentials.baseUrl).origin}`, {
        vendor: 'msgraph',
      });
    }
    url = next;
  }
  return { items, truncated: false };
}
