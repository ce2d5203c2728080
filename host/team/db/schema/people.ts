/**
 * Accounts, sessions and the hash-chained audit trail of the team server (DESIGN.md §11).
 * Names are unique whatever their case. Sessions store only the sha256 of their token. The audit
 * trail is append-only for the application: triggers refuse UPDATE, DELETE and TRUNCATE, accept
 * only the row that extends the chain, and let the one-row head move only to that row. An owner
 * can disable triggers; verify() (host/team/people/audit.ts) still finds what they change.
 */
export const PEOPLE_SCHEMA = `
CREATE TABLE sb_users (
  name text PRIMARY KEY,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('viewer', 'analyst', 'approver', 'admin')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sb_users_name_lower ON sb_users (lower(name));
CREATE TABLE sb_sessions (
  token_hash text PRIMARY KEY,
  user_name text NOT NULL REFERENCES sb_users (name) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sb_sessions_expires ON sb_sessions (expires_at);
CREATE TABLE sb_audit (
  seq bigint PRIMARY KEY CHECK (seq > 0),
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  detail jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE TABLE sb_audit_head (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  seq bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO sb_audit_head (one, seq, hash) VALUES (true, 0, repeat('0', 64));

CREATE FUNCTION sb_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AUDIT_APPEND_ONLY: % on % refused: the audit trail is append-only', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER sb_audit_no_change BEFORE UPDATE OR DELETE ON sb_audit FOR EACH ROW EXECUTE FUNCTION sb_audit_refuse();
CREATE TRIGGER sb_audit_no_truncate BEFORE TRUNCATE ON sb_audit FOR EACH STATEMENT EXECUTE FUNCTION sb_audit_refuse();
CREATE TRIGGER sb_audit_head_one_row BEFORE INSERT OR DELETE ON sb_audit_head FOR EACH ROW EXECUTE FUNCTION sb_audit_refuse();
CREATE TRIGGER sb_audit_head_no_truncate BEFORE TRUNCATE ON sb_audit_head FOR EACH STATEMENT EXECUTE FUNCTION sb_audit_refuse();

CREATE FUNCTION sb_audit_extends_head() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE head sb_audit_head%ROWTYPE;
BEGIN
  SELECT * INTO head FROM sb_audit_head WHERE one;
  IF NEW.seq IS DISTINCT FROM head.seq + 1 OR NEW.prev_hash IS DISTINCT FROM head.hash THEN
    RAISE EXCEPTION 'AUDIT_CHAIN: row % does not extend the head (row %)', NEW.seq, head.seq;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER sb_audit_append BEFORE INSERT ON sb_audit FOR EACH ROW EXECUTE FUNCTION sb_audit_extends_head();

CREATE FUNCTION sb_audit_head_advances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.one IS DISTINCT FROM OLD.one OR NEW.seq <> OLD.seq + 1
     OR NOT EXISTS (SELECT 1 FROM sb_audit WHERE seq = NEW.seq AND hash = NEW.hash AND prev_hash = OLD.hash) THEN
    RAISE EXCEPTION 'AUDIT_APPEND_ONLY: the head may only move to the row just appended';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER sb_audit_head_move BEFORE UPDATE ON sb_audit_head FOR EACH ROW EXECUTE FUNCTION sb_audit_head_advances();
`;
