import path from 'node:path';
import { startLab, type Lab } from '../../lab/lab.ts';
import { labVendors } from '../../lab/vendors.ts';
import { secretValues } from '../../../nodes/sdk/secrets.ts';
import { parseCommandArgs } from '../args.ts';
import { CliError, EXIT_OK, EXIT_RUN_FAILED, prettyJson } from '../io.ts';
import type { CliIo } from '../io.ts';
import { isHttpUrl, labInfoOf, parseLabInfo } from '../lab-info.ts';
import { oneLine, readJsonFile } from '../playbook-files.ts';

/** What `switchboard help lab` prints. */
export const labUsage = `Usage: switchboard lab [--port N] [--json]
       switchboard lab --reset LAB...

Starts a twin of every vendor API the connectors call, on 127.0.0.1, all telling one story
(a phishing email, a suspicious login, a host with malware, an exposed critical CVE), and
prints their URLs. Runs until Ctrl-C. \`switchboard run FILE --lab\` starts its own lab.
  --port N   first port (the twins take N, N+1, …); default: ports picked by the system
  --json     print { twins, credentials } as JSON (the lab's credentials, per connector)
  --reset    put a running lab back in the story's starting state (users active, nothing
             blocked, no tickets), without restarting it. LAB is the file its --json output
             was saved to (every twin is reset) or a twin's URL (that twin only).
Each twin also serves /_lab/reset, /_lab/state, /_lab/faults and /_lab/rate-limit.

Run playbooks against one lab, and reset it between tries:
  switchboard lab --json > lab.json &
  switchboard run playbooks/suspicious-login.playbook.json --credentials lab.json --approve
  switchboard lab --reset lab.json
The --json file binds each credential slot of a playbook to the lab credential of its connector.
The twins' control API (/_lab/…) asks for the lab's control token: the --json file holds it, and
--reset sends it; for a twin URL, set $SWITCHBOARD_LAB_TOKEN to the token (kept off the command line).
`;

/** The environment variable holding a lab control token; kept out of argv so no process listing shows it. */
export const LAB_TOKEN_ENV = 'SWITCHBOARD_LAB_TOKEN';

/** How long one twin may take to answer a reset. */
const RESET_TIMEOUT_MS = 5_000;

/** Starts the lab for a run: every slot is bound to its connector's lab credential. */
export async function startRunLab(): Promise<{ lab: Lab; secrets: string[] }> {
  const lab = await startLab(labVendors);
  const secrets = labVendors.flatMap((v) => secretValues(lab.credentials[v.connector.id], v.connector));
  return { lab, secrets };
}

/** `switchboard lab`: start every twin, print where they are, wait for Ctrl-C; or, with `--reset`, reset a running lab. */
export async function labCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { port: { type: 'string' }, json: { type: 'boolean' }, reset: { type: 'boolean' } }, 'lab');
  if (values.reset === true) {
    if (values.port !== undefined || values.json === true) throw new CliError('lab --reset: takes no --port or --json, only the lab to reset');
    return resetCommand(positionals, io);
  }
  if (positionals.length > 0) throw new CliError('lab: takes no file (to reset a running lab: switchboard lab --reset LAB)');
  const basePort = values.port === undefined ? undefined : Number(values.port);
  if (basePort !== undefined && (!Number.isInteger(basePort) || basePort < 1024 || basePort > 65_000)) {
    throw new CliError(`--port: ${values.port} is not a port between 1024 and 65000`);
  }
  const lab = await startLab(labVendors, basePort === undefined ? {} : { basePort });
  if (values.json === true) {
    io.stdout.write(prettyJson(labInfoOf(lab)));
  } else {
    io.stdout.write(`Lab running: ${lab.twins.length} vendor twins on 127.0.0.1\n`);
    for (const twin of lab.twins) io.stdout.write(`  ${twin.id.padEnd(12)} ${twin.name.padEnd(36)} ${twin.url}\n`);
    io.stdout.write('Run playbooks against it: start it as switchboard lab --json > lab.json, then switchboard run FILE --credentials lab.json\n');
    io.stdout.write('Reset it: switchboard lab --reset lab.json (or a twin URL above). Ctrl-C stops the lab.\n');
    io.stdout.write(`Control API (/_lab/…) token: ${lab.controlToken} (for --reset URL: ${LAB_TOKEN_ENV}=<token>)\n`);
  }
  await new Promise<void>((resolve) => {
    if (io.signal?.aborted) return resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await lab.close();
  return EXIT_OK;
}

/** One twin to reset: its URL, its id when a lab printout named it, and the token the printout holds. */
export interface ResetTarget {
  url: string;
  id?: string;
  token?: string;
}

/**
 * The twins that `lab --reset` arguments name: a URL is one twin (any URL on it will do), anything
 * else is a file saved from `switchboard lab --json`, every twin of which is reset.
 */
export function resetTargets(args: readonly string[], readFile: (file: string) => unknown): ResetTarget[] {
  if (args.length === 0) throw new CliError('lab --reset: name the lab: the file switchboard lab --json was saved to, or a twin URL');
  return args.flatMap((arg): ResetTarget[] => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) {
      if (!isHttpUrl(arg)) throw new CliError(`lab --reset: ${arg} is not an http(s) URL`);
      return [{ url: arg }];
    }
    try {
      const info = parseLabInfo(readFile(arg), arg);
      return info.twins.map((twin) => ({ url: twin.url, id: twin.id, ...(info.controlToken === undefined ? {} : { token: info.controlToken }) }));
    } catch (err) {
      throw new CliError(`lab --reset: ${oneLine(err)}`);
    }
  });
}

/** The control URL that resets the twin serving `url`. */
export function resetUrl(url: string): string {
  return new URL('/_lab/reset', url).href;
}

/** Resets one twin; the reason in one line when it did not. A token, when given, goes as a bearer token. */
async function resetTwin(target: ResetTarget, token: string | undefined): Promise<string | undefined> {
  const headers: Record<string, string> = token === undefined || token === '' ? {} : { authorization: `Bearer ${token}` };
  try {
    const response = await fetch(resetUrl(target.url), { method: 'POST', headers, signal: AbortSignal.timeout(RESET_TIMEOUT_MS) });
    await response.arrayBuffer();
    if (response.ok) return undefined;
    if (response.status === 401) return `answered HTTP 401: the lab asks for its control token (reset with the --json file, or set ${LAB_TOKEN_ENV})`;
    return `answered HTTP ${response.status}${response.status === 404 ? ' (is it a Switchboard lab twin?)' : ''}`;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return `did not answer (${cause ?? oneLine(err)}): is the lab still running?`;
  }
}

/** `switchboard lab --reset LAB...`: resets every twin named; exit 1 when any could not be reset. */
async function resetCommand(args: readonly string[], io: CliIo): Promise<number> {
  const targets = resetTargets(args, (file) => readJsonFile(path.resolve(io.cwd, file), 'lab file'));
  const failures = await Promise.all(targets.map((target) => resetTwin(target, target.token ?? io.env[LAB_TOKEN_ENV])));
  targets.forEach((target, i) => {
    const name = target.id === undefined ? target.url : `${target.id.padEnd(12)} ${target.url}`;
    const failure = failures[i];
    if (failure === undefined) io.stdout.write(`✓ ${name}  reset\n`);
    else io.stderr.write(`✗ ${name}  ${failure}\n`);
  });
  const failed = failures.filter((f) => f !== undefined).length;
  if (failed > 0) {
    io.stderr.write(`lab --reset: ${failed} of ${targets.length} twins not reset\n`);
    return EXIT_RUN_FAILED;
  }
  io.stdout.write(`Lab reset: ${targets.length} ${targets.length === 1 ? 'twin is' : 'twins are'} back at the story's starting state\n`);
  return EXIT_OK;
}
