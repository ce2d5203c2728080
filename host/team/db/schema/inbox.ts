/**
 * The event inbox and its run queue (DESIGN.md §10) as tables; pg-boss holds the queue's jobs in its
 * own schema. An event's fixed fields are `body` (the JSON text of the InboxEvent without status,
 * run id, duplicates and error: text, not jsonb, so payloads keep their exact keys and `\u0000`);
 * what changes is in columns.
 */
export const INBOX_SCHEMA = `
CREATE TABLE sb_inbox_events (
  id text PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  playbook_id text NOT NULL,
  source text NOT NULL,
  status text NOT NULL CHECK (status IN ('accepted', 'duplicate', 'rejected', 'queued', 'running', 'done', 'failed')),
  run_id text,
  duplicates integer NOT NULL DEFAULT 0,
  error text,
  claimed_at timestamptz,
  body text NOT NULL
);
CREATE INDEX sb_inbox_events_status ON sb_inbox_events (status, seq);
CREATE INDEX sb_inbox_events_playbook ON sb_inbox_events (playbook_id, seq);
CREATE INDEX sb_inbox_events_claimed ON sb_inbox_events (claimed_at) WHERE status = 'running';
CREATE TABLE sb_inbox_dedupe (
  playbook_id text NOT NULL,
  trigger_node_id text NOT NULL,
  dedupe_key text NOT NULL,
  event_id text NOT NULL,
  until_ms bigint NOT NULL,
  PRIMARY KEY (playbook_id, trigger_node_id, dedupe_key)
);
CREATE INDEX sb_inbox_dedupe_until ON sb_inbox_dedupe (until_ms);
CREATE TABLE sb_inbox_cursors (
  key text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE sb_schedule_fires (
  playbook_id text NOT NULL,
  trigger_node_id text NOT NULL,
  fire_at bigint NOT NULL,
  PRIMARY KEY (playbook_id, trigger_node_id, fire_at)
);
`;
