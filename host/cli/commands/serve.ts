import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listenProblem } from '../../server/listen-address.ts';
import { checkDatabaseUrl } from '../../team/db/database.ts';
import { DEFAULT_RENDERER_DIR, startServer, type ServerOptions } from '../../server/server.ts';
import { DEFAULT_HOOKS_PORT, type HooksListen } from '../../triggers/webhooks/listener.ts';
import { parseCommandArgs } from '../args.ts';
import { CliError, EXIT_OK } from '../io.ts';
import type { CliIo } from '../io.ts';
import { oneLine } from '../playbook-files.ts';

/** What `switchboard help serve` prints. */
export const serveUsage = `Usage: switchboard serve [--port N] [--workspace DIR] [--no-lab] [--no-open] [--hooks-port N] [--hooks-host ADDR]
                        [--listen-host HOST --tls-cert FILE --tls-key FILE] [--public-name NAME] [--database URL]

Runs Switchboard in the browser: serves the editor and its WebSocket on 127.0.0.1 only and
prints "Switchboard is running at http://127.0.0.1:<port>/?token=…". The page keeps
that per-start token in the tab (never in a cookie); the WebSocket refuses any connection
without it, and every request with a foreign Host or Origin header. Runs until Ctrl-C.
  --port N         port on 127.0.0.1 (default: one the system picks)
  --workspace DIR  playbooks, credentials vault and run history
                   (default: $SWITCHBOARD_WORKSPACE, else ~/.switchboard/workspace)
  --no-lab         do not start the lab's vendor twins (lab credentials then refuse to run)
  --no-open        do not open a browser window
  --hooks-port N   port of the webhook listener, apart from the editor (default ${DEFAULT_HOOKS_PORT};
                   0 = any free port; when ${DEFAULT_HOOKS_PORT} is taken and none was asked for, a free one)
  --hooks-host A   address it binds (default 127.0.0.1); a LAN address lets other machines send
                   webhooks: then give --hooks-tls-cert FILE and --hooks-tls-key FILE (PEM) for HTTPS
  --listen-host H  address the editor binds (default 127.0.0.1); anything but 127.0.0.1, ::1 or
                   localhost needs --tls-cert FILE and --tls-key FILE (PEM): it is then https/wss
  --public-name N  the host name browsers use to reach it, accepted in Host and Origin (default H)
  --database URL   team mode (postgres://…): people sign in, roles decide who edits, runs,
                   approves and administers, and an audit trail records who did what; the URL
                   printed then carries no token
It prints "Webhooks at http://<host>:<port>/hooks/": each enabled playbook's webhook trigger
answers at /hooks/<its path>, verified as the trigger says (README: Webhooks).
A new (empty) workspace gets the shipped playbooks, with lab credentials bound to their slots.
The vault key is $SWITCHBOARD_VAULT_KEY (base64 of 32 bytes) if set, else <workspace>/vault.key.
The editor is built first (vite) when dist/renderer/index.html is missing.
`;

/** The repository root, where vite.config.ts lives. */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Seams for tests: where the renderer is, how it is built, how a browser is opened. */
export interface ServeDeps {
  rendererDir?: string;
  buildRenderer?: (io: CliIo) => Promise<void>;
  openBrowser?: (url: string) => void;
}

/** The default workspace of `serve`: `$SWITCHBOARD_WORKSPACE`, else `~/.switchboard/workspace`. */
export function serveWorkspace(flag: string | undefined, io: CliIo): string {
  const chosen = flag ?? io.env.SWITCHBOARD_WORKSPACE;
  return chosen === undefined || chosen === '' ? path.join(os.homedir(), '.switchboard', 'workspace') : path.resolve(io.cwd, chosen);
}

/** `--port N` (or another port flag): 0 (pick one) to 65535. */
export function parsePort(text: string | undefined, flag = '--port'): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(port) || port > 65_535) throw new CliError(`${flag}: ${text} is not a port number (0-65535)`);
  return port;
}

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Text without terminal colour codes (vite colours its errors). */
function withoutColours(text: string): string {
  return text.replace(ANSI_COLOUR, '');
}

/**
 * Builds the renderer with vite's JS API and the repository's vite.config.ts (its `root` taken
 * from the repository, not the current folder); says so plainly on stderr when it cannot.
 */
export async function buildRendererWithVite(io: CliIo): Promise<void> {
  const configFile = path.join(REPO_ROOT, 'vite.config.ts');
  if (!fs.existsSync(configFile)) {
    io.stderr.write(`switchboard: the editor is not built and ${configFile} does not exist yet; serving the protocol only\n`);
    return;
  }
  io.stderr.write('switchboard: building the editor (first start only)…\n');
  try {
    const { build, loadConfigFromFile } = await import('vite');
    const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, configFile, REPO_ROOT, 'warn');
    const root = path.resolve(REPO_ROOT, loaded?.config.root ?? '.');
    await build({ configFile, root, mode: 'production', logLevel: 'warn' });
  } catch (err) {
    io.stderr.write(`switchboard: could not build the editor: ${withoutColours(oneLine(err))} (run npm install, then npm run build)\n`);
  }
}

/** Opens the URL in the default browser; a machine without one is not an error. */
export function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command as string, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    return;
  }
}

/** The webhook listener's place from the serve flags; a TLS certificate and key come as a pair. */
export function hooksListen(
  values: { 'hooks-port'?: string; 'hooks-host'?: string; 'hooks-tls-cert'?: string; 'hooks-tls-key'?: string },
  io: CliIo,
): HooksListen & { explicitPort: boolean } {
  const explicitPort = values['hooks-port'] !== undefined;
  const port = explicitPort ? parsePort(values['hooks-port'], '--hooks-port') : DEFAULT_HOOKS_PORT;
  const host = values['hooks-host'] ?? '127.0.0.1';
  if (host.trim() === '' || /[\s/]/.test(host)) throw new CliError(`--hooks-host: ${JSON.stringify(host)} is not an address`);
  const cert = values['hooks-tls-cert'];
  const key = values['hooks-tls-key'];
  if ((cert === undefined) !== (key === undefined)) throw new CliError('--hooks-tls-cert and --hooks-tls-key go together');
  const read = (flag: string, file: string): Buffer => {
    try {
      return fs.readFileSync(path.resolve(io.cwd, file));
    } catch (err) {
      throw new CliError(`${flag}: cannot read ${file}: ${oneLine(err)}`);
    }
  };
  const tls = cert !== undefined && key !== undefined ? { cert: read('--hooks-tls-cert', cert), key: read('--hooks-tls-key', key) } : undefined;
  return { host, port, explicitPort, ...(tls ? { tls } : {}) };
}

/** Reads a PEM file named by a flag, or one line naming the flag and the file. */
function readPem(flag: string, file: string, io: CliIo): Buffer {
  try {
    return fs.readFileSync(path.resolve(io.cwd, file));
  } catch (err) {
    throw new CliError(`${flag}: cannot read ${file}: ${oneLine(err)}`);
  }
}

/** Where the editor listens, from the serve flags: beyond loopback only with a TLS certificate and key. */
export function editorListen(
  values: { 'listen-host'?: string; 'tls-cert'?: string; 'tls-key'?: string; 'public-name'?: string },
  io: CliIo,
): Pick<ServerOptions, 'listenHost' | 'tls' | 'publicName'> {
  const listenHost = values['listen-host'] ?? '127.0.0.1';
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  if ((cert === undefined) !== (key === undefined)) throw new CliError('--tls-cert and --tls-key go together');
  const problem = listenProblem(listenHost, cert !== undefined);
  if (problem !== undefined) throw new CliError(problem);
  const publicName = values['public-name'];
  if (publicName !== undefined && !/^[A-Za-z0-9.:[\]-]{1,253}$/.test(publicName)) throw new CliError(`--public-name: ${JSON.stringify(publicName)} is not a host name`);
  const tls = cert !== undefined && key !== undefined ? { cert: readPem('--tls-cert', cert, io), key: readPem('--tls-key', key, io) } : undefined;
  return { listenHost, ...(tls ? { tls } : {}), ...(publicName === undefined ? {} : { publicName }) };
}

/** `--database URL`: a PostgreSQL URL, passed through to the host (team mode). */
export function databaseUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    return checkDatabaseUrl(text);
  } catch (err) {
    throw new CliError(oneLine(err));
  }
}

/** Resolves on Ctrl-C (the CLI's signal) or SIGTERM. */
export function untilStopped(io: CliIo): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGTERM', done);
      io.signal?.removeEventListener('abort', done);
      resolve();
    };
    if (io.signal?.aborted) return done();
    io.signal?.addEventListener('abort', done, { once: true });
    process.once('SIGTERM', done);
  });
}

/** `switchboard serve`: build the editor if needed, start lab and server, print the URL, wait. */
export async function serveCommand(argv: readonly string[], io: CliIo, deps: ServeDeps = {}): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      port: { type: 'string' },
      workspace: { type: 'string' },
      'no-lab': { type: 'boolean' },
      'no-open': { type: 'boolean' },
      'hooks-port': { type: 'string' },
      'hooks-host': { type: 'string' },
      'hooks-tls-cert': { type: 'string' },
      'hooks-tls-key': { type: 'string' },
      'listen-host': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'public-name': { type: 'string' },
      database: { type: 'string' },
    },
    'serve',
  );
  if (positionals.length > 0) throw new CliError('serve: takes no file (see switchboard help serve)');
  const port = parsePort(values.port);
  const hooks = hooksListen(values, io);
  const editor = editorListen(values, io);
  const database = databaseUrl(values.database);
  const workspace = serveWorkspace(values.workspace, io);
  const rendererDir = deps.rendererDir ?? DEFAULT_RENDERER_DIR;
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) await (deps.buildRenderer ?? buildRendererWithVite)(io);

  const server = await startServer({
    port,
    workspace,
    lab: values['no-lab'] !== true,
    rendererDir,
    hooks,
    ...editor,
    ...(database === undefined ? {} : { database }),
    log: (line) => io.stderr.write(`${line}\n`),
  }).catch(
    (err: unknown) => {
      const code = (err as NodeJS.ErrnoException).code;
      const address = (err as { port?: number }).port;
      const flag = address !== undefined && address === hooks.port && address !== port ? '--hooks-port' : '--port';
      const asked = flag === '--port' ? port : hooks.port;
      if (code === 'EADDRINUSE') throw new CliError(`${flag}: ${asked} is already in use`);
      if (code === 'EACCES') throw new CliError(`${flag}: not allowed to listen on ${asked}`);
      if (code === 'EADDRNOTAVAIL' && flag === '--port' && editor.listenHost !== '127.0.0.1') throw new CliError(`--listen-host: ${editor.listenHost} is not an address of this machine`);
      if (code === 'EADDRNOTAVAIL') throw new CliError(`--hooks-host: ${hooks.host} is not an address of this machine`);
      throw err;
    },
  );
  io.stdout.write(`Switchboard is running at ${server.url}\n`);
  if (server.hooksUrl !== undefined) io.stdout.write(`Webhooks at ${server.hooksUrl}\n`);
  if (values['no-open'] !== true && io.isTTY) (deps.openBrowser ?? openInBrowser)(server.url);
  await untilStopped(io);
  await server.close();
  return EXIT_OK;
}
