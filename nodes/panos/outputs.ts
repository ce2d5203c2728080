import * as z from 'zod';

/** What the PAN-OS actions output (address.ts and commit.ts build them), for validation of `nodes.<id>.output.…` references. */

/** Block IP (address group). */
export const blockIpOutput = z.object({
  ip: z.string(),
  address: z.string().describe('The address object, sb-<ip>.'),
  address_group: z.string(),
  status: z.string(),
  pendingCommit: z.boolean().describe('The block takes effect at the next commit.'),
});

/** Tag IP (dynamic address group). */
export const tagIpOutput = z.object({
  ip: z.string(),
  tag: z.string(),
  registered: z.boolean(),
  alreadyRegistered: z.boolean(),
  timeout: z.number().describe('Seconds the registration lasts (0: until removed).'),
});

/** Is IP blocked. */
export const isIpBlockedOutput = z.object({
  ip: z.string(),
  address: z.string(),
  address_group: z.string(),
  blocked: z.boolean().describe('In the block group of the running config, or tagged.'),
  inAddressGroup: z.boolean(),
  pendingCommit: z.boolean(),
  tagged: z.boolean(),
  registeredTags: z.array(z.string()),
});

/** Commit. */
export const commitOutput = z.object({
  job: z.string().nullable().describe('Commit job id; null when there was nothing to commit.'),
  message: z.string(),
  finished: z.boolean(),
  status: z.string(),
  result: z.string().describe('OK, FAIL or PEND.'),
  progress: z.number(),
  details: z.array(z.string()),
  warnings: z.array(z.string()),
});
