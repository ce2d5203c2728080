import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_LEASE_MS, startWorker } from '../../team/worker.ts';
import { environmentKeyProvider, keyFileProvider, VAULT_KEY_ENV, type KeyProvider } from '../../vault/key-provider.ts';
import { parseCommandArgs } from '../args.ts';
import { resolveDatabaseUrl } from '../team-database.ts';
import { CliError, EXIT_OK } from '../io.ts';
import type { CliIo } from '../io.ts';
import { untilStopped } from './serve.ts';

/** What `switchboard help worker` prints. */
export const workerUsage = `Usage: switchboard worker --database URL [--concurrency N] [--vault-key-file FILE]

Takes runs from a team server's queue (PostgreSQL and pg-boss) and executes them with the same
engine and connectors as the desktop; start as many as you like, on as many machines. Each run
is leased: a worker that dies loses its runs to another worker, which resumes them from their
journals and never sends a write of unknown outcome again. Ctrl-C or SIGTERM: stop taking runs,
let those executing finish (up to --grace-seconds), hand the rest back, exit.
  --database URL         postgres://user:password@host:port/database (default: $SWITCHBOARD_DATABASE)
  --concurrency N        runs executing at once (default 8; runs waiting for an approval do not count)
  --vault-key-file FILE  the team server's vault key (default: $SWITCHBOARD_VAULT_KEY); the key is
                         never in the database, so every worker needs it from its own machine
  --grace-seconds N      how long a stop waits for runs to finish before handing them back (default 30)
  --lease-seconds N      how long a run's lease lasts unrenewed: how soon another worker takes up the
                         runs of a worker that died (default 15)
`;

/** A whole number in [min, max] from a flag; one line naming the flag otherwise. */
function wholeNumber(text: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new CliError(`${flag}: ${text} is not a whole number from ${min} to ${max}`);
  return value;
}

/** The vault key of a worker: a key file given (which must exist: a new key would open nothing), else the environment. */
function workerKey(file: string | undefined, io: CliIo): KeyProvider {
  if (file !== undefined) {
    const resolved = path.resolve(io.cwd, file);
    if (!fs.existsSync(resolved)) throw new CliError(`--vault-key-file: ${resolved} does not exist (copy the team server's vault.key)`);
    return keyFileProvider(resolved);
  }
  if ((io.env[VAULT_KEY_ENV] ?? '') === '') throw new CliError(`worker: give --vault-key-file FILE or set ${VAULT_KEY_ENV}: the team server's vault key, which the database never holds`);
  return environmentKeyProvider(io.env);
}

/** `switchboard worker`: start, print where it takes runs from, run until stopped, hand back what is left. */
export async function workerCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { database: { type: 'string' }, concurrency: { type: 'string' }, 'vault-key-file': { type: 'string' }, 'grace-seconds': { type: 'string' }, 'lease-seconds': { type: 'string' } },
    'worker',
  );
  if (positionals.length > 0) throw new CliError('worker: takes no file (see switchboard help worker)');
  const database = resolveDatabaseUrl(values.database, io, 'worker');
  const concurrency = wholeNumber(values.concurrency, '--concurrency', 8, 1, 1000);
  const graceMs = wholeNumber(values['grace-seconds'], '--grace-seconds', 30, 0, 3600) * 1000;
  const leaseMs = wholeNumber(values['lease-seconds'], '--lease-seconds', DEFAULT_LEASE_MS / 1000, 1, 3600) * 1000;
  const keyProvider = workerKey(values['vault-key-file'], io);
  const say = (line: string) => io.stderr.write(`${line}\n`);
  const worker = await startWorker({ database, concurrency, keyProvider, leaseMs, log: say });
  io.stdout.write(`Switchboard worker ${worker.id} taking runs (concurrency ${concurrency})\n`);
  let shown = '';
  const tally = setInterval(() => {
    const { started, succeeded, failed } = worker.stats();
    const line = `worker: ${started} run(s) started, ${succeeded} succeeded, ${failed} failed, ${worker.runs.liveRunIds().length} executing`;
    if (line !== shown) io.stdout.write(`${(shown = line)}\n`);
  }, 10_000);
  tally.unref();
  await untilStopped(io);
  clearInterval(tally);
  io.stdout.write('worker: stopping: no new runs; waiting for those executing\n');
  const { finished, handedBack } = await worker.close({ graceMs });
  const { started, succeeded, failed } = worker.stats();
  io.stdout.write(`worker stopped: ${started} run(s) started, ${succeeded} succeeded, ${failed} failed; ${finished} finished while stopping, ${handedBack} handed back\n`);
  return EXIT_OK;
}
