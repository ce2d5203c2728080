/**
 * Resolves after the current turn of the event loop, once its microtasks and pending I/O
 * callbacks ran: where a busy run lets others in, and where the journal gathers a batch.
 */
export const nextTurn: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise<void>((resolve) => setImmediate(resolve))
    : () => new Promise<void>((resolve) => setTimeout(resolve, 0));
