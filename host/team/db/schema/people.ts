/** Accounts, sessions and the hash-chained audit trail of the team server (DESIGN.md §11). */
export const PEOPLE_SCHEMA = `
CREATE TABLE sb_users (
  name text PRIMARY KEY,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('viewer', 'analyst', 'approver', 'admin')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE sb_sessions (
  token_hash text PRIMARY KEY,
  user_name text NOT NULL REFERENCES sb_users (name) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE TABLE sb_audit (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  detail jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
`;
