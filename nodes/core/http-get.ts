import type * as z from 'zod';
import { ACTION_PORTS } from '../../engine/node-type.ts';
import type { NodeTypeSpec } from '../../engine/node-type.ts';
import { HTTP_CREDENTIAL_BINDING, HTTP_EXAMPLE, httpGetInput, httpOutput, runHttp } from './http.ts';
import type { HttpOutput } from './http.ts';

/** The read-only twin of core.http (GET/HEAD): runs in dry runs and is retried freely. */
export const httpGetNode: NodeTypeSpec<z.output<typeof httpGetInput>, HttpOutput> = {
  type: 'core.http_get@1',
  connector: 'core',
  action: 'http_get',
  title: 'HTTP GET',
  description: 'Fetches any REST endpoint with GET or HEAD. A read: it runs in dry runs too.',
  category: 'core',
  kind: 'action',
  effect: 'read',
  input: httpGetInput,
  output: httpOutput,
  example: HTTP_EXAMPLE,
  credentials: HTTP_CREDENTIAL_BINDING,
  ports: () => [...ACTION_PORTS],
  idempotent: true,
  run: runHttp,
};
