/**
 * Limits of the protocol that the desktop shell enforces too. No imports, so the sandboxed
 * preload's bundle can take it (through host/protocol/shell-api.ts) without zod or Node.
 */

/** Largest playbook text `playbooks.import` takes, and so the largest file the shell reads or writes. */
export const MAX_PLAYBOOK_BYTES = 10_000_000;
