import type { AxiosRequestConfig, RawAxiosRequestHeaders } from 'axios';
import { NodeError } from '../../engine/errors.ts';

/** Hops one call follows before it gives up: vendor APIs redirect once or twice at most. */
export const MAX_REDIRECTS = 5;

/** The statuses that name their next URL in `Location`; 300, 304 and the rest are answers in their own right. */
const FOLLOWED = new Set([301, 302, 303, 307, 308]);

/** The `Location` of a response to follow, or undefined when the response is the answer. */
export function redirectLocation(status: number, headers: Record<string, unknown>): string | undefined {
  if (!FOLLOWED.has(status)) return undefined;
  const location = headers.location;
  return typeof location === 'string' && location !== '' ? location : undefined;
}

/**
 * The request a redirect leads to, decided per hop rather than left to a redirect library so the
 * rules are ours and tested: the URL is the resolved `Location` (the first hop's base URL and query
 * parameters are already in `from`); 303, and 301/302 after a POST, continue as a GET without
 * the body; a hop to another origin (scheme, host or port) drops basic auth and every header the
 * call set, which is where connectors put tokens and API keys. Only http and https are followed.
 */
export function redirectedRequest(
  request: AxiosRequestConfig,
  from: string,
  status: number,
  location: string,
  vendor: string,
): AxiosRequestConfig {
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    throw new NodeError('VENDOR', `${vendor} redirected to an invalid URL`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new NodeError('VENDOR', `${vendor} redirected to a ${target.protocol} URL, which is not followed`);
  }
  const next: AxiosRequestConfig = { ...request, url: target.href };
  delete next.baseURL;
  delete next.params;
  delete next.paramsSerializer;
  if (becomesGet(status, request.method)) {
    next.method = 'get';
    delete next.data;
    if (next.headers !== undefined) next.headers = withoutBodyHeaders(next.headers as RawAxiosRequestHeaders);
  }
  if (target.origin !== new URL(from).origin) {
    delete next.headers;
    delete next.auth;
  }
  return next;
}

/** The error when a call keeps being redirected. */
export function tooManyRedirects(vendor: string, limit: number): NodeError {
  return new NodeError('VENDOR', `${vendor} redirected more than ${limit} times`);
}

/** As browsers and fetch do: 303 always (but HEAD), 301 and 302 only after a POST. */
function becomesGet(status: number, method: string | undefined): boolean {
  const m = (method ?? 'get').toLowerCase();
  if (status === 303) return m !== 'get' && m !== 'head';
  return (status === 301 || status === 302) && m === 'post';
}

function withoutBodyHeaders(headers: RawAxiosRequestHeaders): RawAxiosRequestHeaders {
  const kept: RawAxiosRequestHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower !== 'content-type' && lower !== 'content-length') kept[name] = value;
  }
  return kept;
}
