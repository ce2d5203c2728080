import { startShell } from './shell.ts';

/** Electron main's entry (bundled to dist/electron/main.mjs): start the shell, or say why it could not. */
startShell().catch((err: unknown) => {
  process.stderr.write(`switchboard: the desktop shell failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
