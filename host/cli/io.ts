import readline from 'node:readline';

/** Anything text can be written to: `process.stdout`, or a collector in tests. */
export interface Writer {
  write(text: string): unknown;
}

/**
 * Everything a command touches outside its arguments, so tests can run commands in-process
 * with piped input and captured output; `main` wires the real process.
 */
export interface CliIo {
  stdout: Writer;
  stderr: Writer;
  stdin: NodeJS.ReadableStream;
  /** Whether a person is at a terminal (prompts for approvals only appear then). */
  isTTY: boolean;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborts when the user presses Ctrl-C. */
  signal?: AbortSignal;
}

/** Exit code: success. */
export const EXIT_OK = 0;
/** Exit code: the run failed or was cancelled. */
export const EXIT_RUN_FAILED = 1;
/** Exit code: invalid input or usage (bad file, bad option, unknown run). */
export const EXIT_INVALID = 2;

/** An input or usage error: main prints its message as one line and exits 2. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Reads answers one line at a time; `undefined` once input has ended or `signal` aborted. */
export interface LineReader {
  next(signal?: AbortSignal): Promise<string | undefined>;
  close(): void;
}

/**
 * A line reader over a stream, created lazily by callers that prompt, and closed when the run
 * ends so it does not keep the process alive.
 */
export function createLineReader(input: NodeJS.ReadableStream): LineReader {
  const rl = readline.createInterface({ input, terminal: false, crlfDelay: Infinity });
  const lines = rl[Symbol.asyncIterator]();
  let ended = false;
  return {
    async next(signal) {
      if (ended || signal?.aborted) return undefined;
      let onAbort = () => {};
      const aborted = new Promise<undefined>((resolve) => {
        onAbort = () => resolve(undefined);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      const result = await Promise.race([lines.next(), aborted]).finally(() => signal?.removeEventListener('abort', onAbort));
      if (result === undefined) return undefined;
      if (result.done === true) {
        ended = true;
        return undefined;
      }
      return result.value;
    },
    close() {
      ended = true;
      rl.close();
    },
  };
}

/** Prints a value as people read JSON. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'undefined';
}
