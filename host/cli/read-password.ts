import { CliError, createLineReader } from './io.ts';
import type { CliIo } from './io.ts';

/**
 * A password for a command: asked for twice without echo when a person is at a terminal, else
 * the first line of stdin (`echo "$PW" | switchboard users add …`), so it never sits in argv.
 */
export async function readPassword(io: CliIo, command: string, prompt: string): Promise<string> {
  if (io.isTTY || (io.stdin as { isTTY?: boolean }).isTTY === true) {
    const first = await promptHidden(io, command, prompt);
    const again = await promptHidden(io, command, 'again: ');
    if (first !== again) throw new CliError(`${command}: the two passwords differ`);
    return first;
  }
  const reader = createLineReader(io.stdin);
  try {
    const line = await reader.next(io.signal);
    if (line === undefined) throw new CliError(`${command}: no password on stdin: pipe it as one line, or run at a terminal to be asked`);
    return line.replace(/\r$/, '');
  } finally {
    reader.close();
  }
}

/** One line typed at the terminal without echo (raw mode); Ctrl-C cancels. */
function promptHidden(io: CliIo, command: string, prompt: string): Promise<string> {
  const input = io.stdin as NodeJS.ReadableStream & { setRawMode?: (raw: boolean) => unknown };
  io.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed: string[] = [];
    const raw = typeof input.setRawMode === 'function';
    const finish = (err?: Error) => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      if (raw) input.setRawMode?.(false);
      input.pause();
      io.stderr.write('\n');
      if (err === undefined) resolve(typed.join(''));
      else reject(err);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new CliError(`${command}: cancelled`));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else if (ch >= ' ') typed.push(ch);
      }
    };
    const onEnd = () => finish();
    if (raw) input.setRawMode?.(true);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
  });
}
