import * as z from 'zod';
import type { HttpSettings } from '../sdk/http-client.ts';
import { secret } from '../sdk/secrets.ts';

/**
 * An Elasticsearch API key, sent as `Authorization: ApiKey <base64(id:api_key)>`. Either paste the
 * `encoded` value Kibana (Stack Management → API keys) or POST /_security/api_key shows once, or
 * give the key's `id` and `api_key` and the connector encodes them; `encodedApiKey` wins when both
 * are set.
 */
export const elasticCredentials = z
  .object({
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .default('https://localhost:9200')
      .meta({ title: 'Base URL' })
      .describe('Elasticsearch endpoint, e.g. https://my-deployment.es.us-east-1.aws.elastic.cloud or https://es01.corp.example:9200.'),
    encodedApiKey: secret(z.string().min(1))
      .optional()
      .meta({ title: 'Encoded API key' })
      .describe('The API key\'s "encoded" value (base64 of id:api_key), as Kibana shows it on creation.'),
    apiKeyId: z.string().min(1).optional().meta({ title: 'API key ID' }).describe('The API key id, when you have id and api_key instead of the encoded value.'),
    apiKey: secret(z.string().min(1)).optional().meta({ title: 'API key' }).describe('The API key secret (api_key) that goes with apiKeyId.'),
    verifyTls: z
      .boolean()
      .default(true)
      .meta({ title: 'Verify TLS certificate' })
      .describe('Verify the TLS certificate; turn off only for a self-managed cluster with a self-signed certificate.'),
  })
  .refine((c) => c.encodedApiKey !== undefined || (c.apiKeyId !== undefined && c.apiKey !== undefined), {
    message: 'set encodedApiKey, or both apiKeyId and apiKey',
    path: ['encodedApiKey'],
  });

/** A parsed Elasticsearch credential. */
export type ElasticCredentials = z.output<typeof elasticCredentials>;

/** The value after `ApiKey `: the encoded key as given, or base64 of `id:api_key`. */
export function encodedKey(credentials: Pick<ElasticCredentials, 'encodedApiKey' | 'apiKeyId' | 'apiKey'>): string {
  if (credentials.encodedApiKey !== undefined) return credentials.encodedApiKey.trim();
  return Buffer.from(`${credentials.apiKeyId ?? ''}:${credentials.apiKey ?? ''}`, 'utf8').toString('base64');
}

/** How `ctx.http` reaches the cluster for one credential. */
export function elasticHttp(credentials: ElasticCredentials): HttpSettings {
  return {
    baseURL: credentials.baseUrl,
    headers: { Authorization: `ApiKey ${encodedKey(credentials)}`, Accept: 'application/json' },
    rejectUnauthorized: credentials.verifyTls,
  };
}
