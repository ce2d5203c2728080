/** How long `waitFor` polls, and how often. */
export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns (or resolves to) a value, for state that changes outside the
 * test's control (a child process, a port, a database); throws `timed out` after `timeoutMs`.
 */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, { timeoutMs = 10_000, intervalMs = 10 }: WaitForOptions = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
