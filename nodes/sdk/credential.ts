import type * as z from 'zod';
import { NodeError } from '../../engine/errors.ts';

/** Whose credential it is, as a bad one is reported: `${label} credential field ${field}: ${problem}`. */
export interface CredentialOwner {
  label: string;
  /** Connector id kept on the error as `vendor`. */
  vendor?: string;
  /** Stands in for the field when the problem is the credential as a whole. */
  wholeCredential: string;
}

/**
 * The bound credential through its schema (defaults applied); a bad one is an AUTH error naming
 * the field. Callers keep the result per credential object, so a bound credential is parsed once.
 */
export function parseCredential<S extends z.ZodType>(schema: S, raw: object, owner: CredentialOwner): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.join('.') || owner.wholeCredential;
    throw new NodeError('AUTH', `${owner.label} credential field ${field}: ${issue?.message ?? 'invalid'}`, { vendor: owner.vendor });
  }
  return result.data;
}
