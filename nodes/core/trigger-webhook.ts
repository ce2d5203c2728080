import * as z from 'zod';
import { compileExpression } from '../../engine/expressions/expression.ts';
import type { NodeTypeSpec } from '../../engine/node-type.ts';
import { secret } from '../sdk/secrets.ts';

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const headerName = () => z.string().min(1).max(100).regex(HEADER_NAME, 'must be an HTTP header name');

/** How a webhook request proves it came from the sender; the secret is the bound credential's. */
export const webhookVerification = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('standard-webhooks') }).describe('Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature; secret whsec_…'),
  z.strictObject({ type: z.literal('github') }).describe('GitHub: X-Hub-Signature-256 (sha256=<hex>), delivery id X-GitHub-Delivery.'),
  z.strictObject({ type: z.literal('slack') }).describe('Slack: X-Slack-Signature v0 over v0:<timestamp>:<body>, X-Slack-Request-Timestamp.'),
  z.strictObject({
    type: z.literal('hmac-sha256'),
    header: headerName().describe('Header carrying the HMAC-SHA256 of the raw body.'),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    prefix: z.string().max(50).optional().describe('Text before the signature in the header, e.g. sha256=.'),
    idHeader: headerName().optional().describe('Header carrying the sender’s delivery id (the default dedupe key).'),
  }),
  z.strictObject({
    type: z.literal('bearer'),
    header: headerName().optional().describe('Header holding the token as its whole value; default Authorization: Bearer <token>.'),
    idHeader: headerName().optional().describe('Header carrying the sender’s delivery id (the default dedupe key).'),
  }),
  z.strictObject({ type: z.literal('none') }).describe('No verification: accepted on a loopback listener only.'),
]);

/** A verification's options, as the listener reads them. */
export type WebhookVerification = z.output<typeof webhookVerification>;

/** The bare JSONata of `dedupeKey` must parse; the message names the syntax error. */
function dedupeKeyProblem(text: string): string | undefined {
  try {
    compileExpression(text, 'dedupeKey');
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Params of trigger.webhook@1 (the first version's path, method and secretHeader still load). */
export const webhookInput = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9][A-Za-z0-9\-_/]*$/, 'must be a URL path segment: letters, digits, -, _ and /')
      .refine((p) => !p.includes('//') && !p.endsWith('/'), 'must not hold an empty segment or end with /')
      .meta({ title: 'Path' })
      .describe('Path under the webhook listener (/hooks/<path>), unique in the workspace, e.g. phishing-report.'),
    method: z.enum(['POST', 'PUT', 'GET']).default('POST').meta({ title: 'Method' }),
    verification: webhookVerification.optional().meta({ title: 'Verification' }).describe('How requests are verified; default standard-webhooks (or bearer on secretHeader).'),
    secretHeader: headerName()
      .optional()
      .meta({ title: 'Secret header' })
      .describe('Earlier form of bearer verification: the header whose whole value is the secret. Prefer verification.'),
    dedupeKey: z
      .string()
      .min(1)
      .max(2000)
      .superRefine((text, ctx) => {
        const problem = dedupeKeyProblem(text);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .meta({ title: 'Deduplicate on' })
      .describe('JSONata over the event (trigger.body, trigger.headers, trigger.query); default: the delivery id.'),
    dedupeWindowSeconds: z
      .number()
      .int()
      .min(600, 'must be at least 600, so a replay inside the ±5 minute signature window is still caught')
      .max(30 * 24 * 3600)
      .default(24 * 3600).meta({ title: 'Deduplicate within (seconds)' }),
    maxBodyBytes: z.number().int().min(1).max(1024 * 1024).default(1024 * 1024).meta({ title: 'Largest body (bytes)' }).describe('Largest body accepted (default and most: 1 MiB).'),
    rateLimitPerMinute: z.number().int().min(1).max(1_000_000).default(600).meta({ title: 'Requests per minute' }).describe('Requests per minute this hook accepts (token bucket, bursts up to the same number).'),
    sample: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ title: 'Sample event' })
      .describe('Example event ({ body, headers, query, … }): used when the playbook is run by hand without one, and for completion while editing.'),
  })
  .refine((p) => !(p.verification !== undefined && p.secretHeader !== undefined), {
    message: 'set verification or the older secretHeader, not both',
    path: ['secretHeader'],
  });

/** The webhook trigger's params after defaults. */
export type WebhookParams = z.output<typeof webhookInput>;

/** The verification a trigger uses: its own, else bearer on the old secretHeader, else standard-webhooks. */
export function effectiveVerification(params: Pick<WebhookParams, 'verification' | 'secretHeader'>): WebhookVerification {
  if (params.verification !== undefined) return params.verification;
  if (params.secretHeader !== undefined) return { type: 'bearer', header: params.secretHeader };
  return { type: 'standard-webhooks' };
}

/** The credential a webhook trigger's slot holds: the shared secret, never in params or the URL. */
export const webhookCredentials = z.object({
  secret: secret(z.string().min(1)).meta({ title: 'Signing secret' }).describe('The signing secret or token the sender shares (whsec_… for Standard Webhooks).'),
});

/** Starts a run when a verified request arrives on /hooks/<path>; its output is the request event. */
export const webhookTrigger: NodeTypeSpec<WebhookParams, unknown> = {
  type: 'trigger.webhook@1',
  connector: 'core',
  action: 'webhook',
  title: 'Webhook trigger',
  description:
    'Starts the playbook when a verified request arrives on /hooks/<path>. Outputs the request: body, headers (without secrets), query, receivedAt, eventId.',
  category: 'core',
  kind: 'trigger',
  effect: 'read',
  input: webhookInput,
  credentials: { connector: 'webhook', required: false, schema: webhookCredentials },
  example: {
    body: { reporter: 'alice@example.com' },
    headers: { 'content-type': 'application/json', 'webhook-id': 'msg_2Lk9' },
    query: {},
    receivedAt: '2026-01-01T00:00:00.000Z',
    eventId: 'evt-1767225600000-0a1b2c3d4e',
  },
  ports: () => ['out'],
  timing: 'instant',
  idempotent: true,
  run: (ctx, params) => ctx.trigger ?? params.sample ?? {},
};
