import { z } from 'zod';
import type { NodeTypeSpec } from '../../engine/node-type.ts';

const input = z.strictObject({
  path: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9][A-Za-z0-9\-_/]*$/, 'must be a URL path segment: letters, digits, -, _ and /')
    .describe('Path under the webhook listener, e.g. phishing-report.'),
  method: z.enum(['POST', 'PUT', 'GET']).default('POST'),
  secretHeader: z
    .string()
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name')
    .optional()
    .describe('Header that must carry the shared secret; the secret itself is bound to the listener, never stored here.'),
});

/** Starts a run when an HTTP request arrives; its output is the request event (the listener comes later). */
export const webhookTrigger: NodeTypeSpec<z.output<typeof input>, unknown> = {
  type: 'trigger.webhook@1',
  connector: 'core',
  action: 'webhook',
  title: 'Webhook trigger',
  description: 'Starts the playbook when a request arrives on the webhook path. Outputs the request (headers, query, body).',
  category: 'core',
  kind: 'trigger',
  effect: 'read',
  input,
  example: { method: 'POST', path: 'phishing-report', headers: { 'content-type': 'application/json' }, query: {}, body: { reporter: 'alice@example.com' } },
  ports: () => ['out'],
  timing: 'instant',
  idempotent: true,
  run: (ctx) => ctx.trigger,
};
