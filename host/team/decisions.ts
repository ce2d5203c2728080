import type { Database } from './db/database.ts';

/**
 * Approvals of runs executing on workers (DESIGN.md §11): the server records the person's decision
 * in `sb_decisions` and announces it; the worker holding the run applies it. A decision is a row
 * first, so it is never lost between the two.
 */

/** The channel a recorded decision is announced on, with its row id. */
export const DECISIONS_CHANNEL = 'sb_decisions';

/** One recorded decision. */
export interface RecordedDecision {
  runId: string;
  nodeId: string;
  decision: 'approved' | 'rejected';
  comment?: string;
  by: string;
}

/** Records a decision and announces it in the same transaction. */
export async function recordDecision(db: Database, decision: RecordedDecision): Promise<void> {
  await db.transaction(async (client) => {
    const rows = await client.query<{ id: string }>(
      'INSERT INTO sb_decisions (run_id, node_id, decision, comment, decided_by) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [decision.runId, decision.nodeId, decision.decision, decision.comment ?? null, decision.by],
    );
    await client.query('SELECT pg_notify($1, $2)', [DECISIONS_CHANNEL, rows.rows[0]!.id]);
  });
}

/** The decision an announcement names, or undefined. */
export async function readDecision(db: Database, payload: string): Promise<RecordedDecision | undefined> {
  if (!/^\d{1,18}$/.test(payload)) return undefined;
  const [row] = await db.query<{ run_id: string; node_id: string; decision: 'approved' | 'rejected'; comment: string | null; decided_by: string }>(
    'SELECT run_id, node_id, decision, comment, decided_by FROM sb_decisions WHERE id = $1',
    [payload],
  );
  if (row === undefined) return undefined;
  return { runId: row.run_id, nodeId: row.node_id, decision: row.decision, by: row.decided_by, ...(row.comment !== null ? { comment: row.comment } : {}) };
}
