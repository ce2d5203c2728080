/** Why an account or session operation was refused. */
export type PeopleErrorCode = 'INVALID_NAME' | 'WEAK_PASSWORD' | 'INVALID_ROLE' | 'USER_EXISTS' | 'USER_NOT_FOUND' | 'INVALID_AUDIT_ENTRY' | 'AUDIT_HEAD_MISSING';

/** A refusal about people or the audit trail: a code callers branch on, and one line naming the field. */
export class PeopleError extends Error {
  readonly code: PeopleErrorCode;

  constructor(code: PeopleErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'PeopleError';
    this.code = code;
  }
}
