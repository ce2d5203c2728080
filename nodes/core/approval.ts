import { z } from 'zod';
import type { Decision, NodeTypeSpec } from '../../engine/node-type.ts';

const MAX_MINUTES = 7 * 24 * 60;

const input = z.strictObject({
  prompt: z.string().min(1).max(5_000).describe('What the approver is asked, e.g. Block {{ trigger.ip }} on the firewall?'),
  expiresInMinutes: z.number().int().min(1).max(MAX_MINUTES).default(60).describe('After this the expired path is taken (at most 7 days).'),
  details: z.unknown().optional().describe('Context shown beside the prompt (resolved templates).'),
});

interface ApprovalOutput {
  decision: Decision;
}

/** Pauses for a human decision; the path taken is the decision (approved, rejected or expired). */
export const approvalNode: NodeTypeSpec<z.output<typeof input>, ApprovalOutput> = {
  type: 'core.approval@1',
  connector: 'core',
  action: 'approval',
  title: 'Approval',
  description: 'Asks a person to approve or reject, and takes the approved, rejected or expired path.',
  category: 'core',
  kind: 'action',
  effect: 'read',
  input,
  example: { decision: 'approved' },
  ports: () => ['approved', 'rejected', 'expired', 'error'],
  route: (output) => output.decision,
  timing: 'waits',
  run: async (ctx, { prompt, expiresInMinutes, details }) => {
    const expiresAt = ctx.clock.now() + expiresInMinutes * 60_000;
    const request = details === undefined ? { prompt, expiresAt } : { prompt, expiresAt, details };
    return { decision: await ctx.requestDecision(request) };
  },
};
