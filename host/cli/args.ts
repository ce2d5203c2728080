import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { CliError } from './io.ts';
import type { CliIo } from './io.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `parseArgs` in strict mode, its errors turned into one-line usage errors (exit 2). */
export function parseCommandArgs<const O extends Options>(argv: readonly string[], options: O, command: string) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] ?? err.message : String(err);
    throw new CliError(`${command}: ${message} (see switchboard help ${command})`);
  }
}

/** Where runs are journalled: `--workspace`, else $SWITCHBOARD_WORKSPACE, else `./.switchboard`. */
export function resolveWorkspace(flag: string | undefined, io: CliIo): string {
  return path.resolve(io.cwd, flag ?? io.env.SWITCHBOARD_WORKSPACE ?? '.switchboard');
}

/** `--breakpoint a --breakpoint b,c` → `[a, b, c]`. */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}
