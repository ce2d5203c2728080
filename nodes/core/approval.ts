import * as z from 'zod';
import { evidenceText, MAX_EVIDENCE_ITEMS } from '../../engine/approval-evidence.ts';
import type { EvidenceItem } from '../../engine/approval-evidence.ts';
import type { Decision, NodeContext, NodeTypeSpec } from '../../engine/node-type.ts';

const MAX_MINUTES = 7 * 24 * 60;

const evidenceRow = z.strictObject({
  label: z.string().trim().min(1).max(100).meta({ title: 'Label' }).describe('What the value is, e.g. AbuseIPDB score.'),
  value: z.unknown().meta({ title: 'Value' }).describe('Usually a {{ }} template, e.g. {{ nodes.check_ip.output.abuseConfidenceScore }}.'),
});

const input = z.strictObject({
  prompt: z.string().min(1).max(5_000).meta({ title: 'Prompt' }).describe('What the approver is asked, e.g. Block {{ trigger.ip }} on the firewall?'),
  expiresInMinutes: z.number().int().min(1).max(MAX_MINUTES).default(60).meta({ title: 'Expires after (minutes)' }).describe('After this the expired path is taken (at most 7 days).'),
  details: z.unknown().optional().meta({ title: 'Details' }).describe('Context shown beside the prompt (resolved templates).'),
  evidence: z
    .array(evidenceRow)
    .max(MAX_EVIDENCE_ITEMS)
    .optional()
    .meta({ title: 'Evidence' })
    .describe('Upstream values the approver sees, in the card, the CLI prompt and the journal: a label and a template each.'),
});

interface ApprovalOutput {
  decision: Decision;
}

/**
 * The evidence rows with their values worked out. A row whose expression fails says why instead
 * of failing the approval: the person can still decide, and sees what is missing.
 */
export async function evaluateEvidence(ctx: Pick<NodeContext, 'evaluate'>, rows: ReadonlyArray<{ label: string; value: unknown }>): Promise<EvidenceItem[]> {
  const items: EvidenceItem[] = [];
  for (const { label, value } of rows) {
    try {
      items.push({ label, value: evidenceText(await ctx.evaluate(value)) });
    } catch (error) {
      items.push({ label, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return items;
}

/** Pauses for a human decision; the path taken is the decision (approved, rejected or expired). */
export const approvalNode: NodeTypeSpec<z.output<typeof input>, ApprovalOutput> = {
  type: 'core.approval@1',
  connector: 'core',
  action: 'approval',
  title: 'Approval',
  description: 'Asks a person to approve or reject, showing the evidence named, and takes the approved, rejected or expired path.',
  category: 'core',
  kind: 'action',
  effect: 'read',
  input,
  example: { decision: 'approved' },
  ports: () => ['approved', 'rejected', 'expired', 'error'],
  route: (output) => output.decision,
  // Evidence stays raw so one failing row is reported in the card rather than failing the node.
  rawParams: ['evidence'],
  timing: 'waits',
  run: async (ctx, { prompt, expiresInMinutes, details, evidence }) => {
    const expiresAt = ctx.clock.now() + expiresInMinutes * 60_000;
    const shown = evidence === undefined ? [] : await evaluateEvidence(ctx, evidence);
    const request = { prompt, expiresAt, ...(details === undefined ? {} : { details }), ...(shown.length > 0 ? { evidence: shown } : {}) };
    return { decision: await ctx.requestDecision(request) };
  },
};
