import * as z from 'zod';

/**
 * What the Jira actions output (actions.ts), for validation of `nodes.<id>.output.…` references.
 * Issue fields and comments are Jira's own objects: open.
 */

/** Create issue: the new issue's id, key and links. */
export const createIssueOutput = z.object({
  id: z.unknown(),
  key: z.string().describe('Issue key, e.g. SEC-42.'),
  self: z.string().describe('REST URL of the issue.'),
  url: z.string().optional().describe('Browser URL of the issue.'),
});

/** Add comment: Jira's comment as it is (id, author, body, created…), plus the issue. */
export const addCommentOutput = z.looseObject({
  id: z.string(),
  issueIdOrKey: z.string(),
});

/** Transition issue. */
export const transitionIssueOutput = z.object({
  issueIdOrKey: z.string(),
  transition: z.object({ id: z.string(), name: z.string() }).nullable().describe('The transition taken; null when the issue already had the status.'),
  status: z.unknown().describe('The status the issue is in now.'),
  changed: z.boolean(),
});

/** Get issue: the usual fields at the top, and every field Jira sent under `fields`. */
export const getIssueOutput = z.object({
  id: z.unknown(),
  key: z.string(),
  self: z.string(),
  url: z.string().optional(),
  summary: z.unknown(),
  status: z.unknown().describe('Status name.'),
  description_text: z.string().describe('The description as plain text.'),
  fields: z.record(z.string(), z.unknown()),
});
