/**
 * Run journals (DESIGN.md §7) as an append-only table of the same JSON lines the file journal
 * writes, and one row per run: what `resume` needs, and the lease of the worker running it (§11).
 * `opened_at` is set when the run's journal is opened (a row may exist before, holding only the
 * details saved for `resume`); `lease_owner` is NULL once the run's journal is closed. sb_journal
 * has no foreign key: its only writer inserts through the run row it share-locks (the lease fence
 * in host/team/pg-run-journal.ts), and the key's per-row check cost a tenth of each append.
 */
export const JOURNAL_SCHEMA = `
CREATE TABLE sb_runs (
  run_id text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  opened_at timestamptz,
  info jsonb,
  lease_owner text,
  lease_until timestamptz
);
CREATE INDEX sb_runs_lease ON sb_runs (lease_until) WHERE lease_owner IS NOT NULL;
CREATE TABLE sb_journal (
  run_id text NOT NULL,
  seq integer NOT NULL,
  line text NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE TABLE sb_decisions (
  id bigserial PRIMARY KEY,
  run_id text NOT NULL,
  node_id text NOT NULL,
  decision text NOT NULL,
  comment text,
  decided_by text NOT NULL,
  decided_at timestamptz NOT NULL DEFAULT now()
);
`;
