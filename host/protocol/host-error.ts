import type { ProtocolErrorCode } from './contract.ts';

/**
 * A refusal the client should see as it is: a protocol code and one line naming the field or
 * file. Anything else a handler throws reaches the client as FAILED with its first line only.
 */
export class HostError extends Error {
  readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string) {
    super(message);
    this.name = 'HostError';
    this.code = code;
  }
}

/** An error's message on one line, without a stack, whatever was thrown. */
export function oneLineMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*[\r\n]+\s*/g, ' ').slice(0, 2_000);
}
