import aws4 from 'aws4';
import type { AxiosResponse } from 'axios';
import { NodeError } from '../../engine/errors.ts';
import type { ConnectorContext } from '../sdk/define-connector.ts';
import { endpointFor } from './credentials.ts';
import type { AwsCredentials, AwsService } from './credentials.ts';
import { AWS_VENDOR, reclassify } from './errors.ts';

/** One call to an AWS service: the path below its endpoint, the exact body bytes and the protocol headers. */
export interface AwsCall {
  service: AwsService;
  method?: 'GET' | 'POST';
  /** Path and query below the endpoint, e.g. `/detector/abc/findings`. */
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

/** A request ready to send: absolute URL, the signed headers (Authorization included) and the body. */
export interface SignedCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * The signed request for a call: aws4 computes SigV4 over the method, path, query, body and every
 * header it sets (Host from the endpoint URL, Content-Type, Content-Length, X-Amz-Date and
 * X-Amz-Security-Token), so what is sent must be exactly this: same Host, same body bytes.
 */
export function signCall(credentials: AwsCredentials, call: AwsCall): SignedCall {
  const url = new URL(`${endpointFor(credentials, call.service)}${call.path}`);
  const request = aws4.sign(
    {
      service: call.service,
      region: credentials.region,
      method: call.method ?? 'POST',
      host: url.host,
      path: `${url.pathname}${url.search}`,
      headers: { ...call.headers },
      ...(call.body === undefined ? {} : { body: call.body }),
    },
    {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
    },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return { url: url.href, method: request.method ?? 'POST', headers, body: call.body };
}

/**
 * Signs a call with the bound credential and sends it through `ctx.http` to the absolute endpoint
 * URL. The body goes out untouched (axios would re-serialise JSON) so the signed hash holds; a
 * failure is re-classed by its AWS error code (throttling, auth and not-found hide behind 400/503).
 */
export async function awsRequest<T = unknown>(ctx: ConnectorContext, call: AwsCall): Promise<AxiosResponse<T>> {
  const signed = signCall(ctx.credential as AwsCredentials, call);
  try {
    return await ctx.http.request<T>({
      method: signed.method,
      url: signed.url,
      headers: signed.headers,
      data: signed.body,
      transformRequest: [(data: unknown) => data],
    });
  } catch (error) {
    throw reclassify(error);
  }
}

/** A JSON service call (`application/x-amz-json-1.1` with X-Amz-Target, or rest-json): its parsed answer. */
export async function awsJson<T>(ctx: ConnectorContext, call: Omit<AwsCall, 'body'> & { json: unknown }): Promise<T> {
  const { json, ...rest } = call;
  const response = await awsRequest<T>(ctx, { ...rest, body: JSON.stringify(json) });
  const data: unknown = response.data;
  if (data === null || typeof data !== 'object') {
    throw new NodeError('VENDOR', `${AWS_VENDOR} ${call.service} answered ${response.status} without a JSON body`, { status: response.status, vendor: 'aws' });
  }
  return data as T;
}
