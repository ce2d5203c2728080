/**
 * The workspace's files (drafts, published revisions, the sealed vault, bindings, settings,
 * trigger states) as rows: the server writes them through, workers read them. The vault key is
 * never stored here.
 */
export const WORKSPACE_SCHEMA = `
CREATE SEQUENCE sb_workspace_version;
CREATE TABLE sb_workspace_files (
  path text PRIMARY KEY,
  body bytea,
  sha256 text,
  version bigint NOT NULL
);
CREATE INDEX sb_workspace_files_version ON sb_workspace_files (version);
`;
