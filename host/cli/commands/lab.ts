import { startLab, type Lab } from '../../../lab/lab.ts';
import { labVendors } from '../../../lab/vendors.ts';
import { secretValues } from '../../../nodes/sdk/secrets.ts';
import { parseCommandArgs } from '../args.ts';
import { CliError, EXIT_OK, prettyJson } from '../io.ts';
import type { CliIo } from '../io.ts';

/** What `switchboard help lab` prints. */
export const labUsage = `Usage: switchboard lab [--port N] [--json]

Starts a twin of every vendor API the connectors call, on 127.0.0.1, all telling one story
(a phishing email, a suspicious login, a host with malware, an exposed critical CVE), and
prints their URLs. Runs until Ctrl-C. \`switchboard run FILE --lab\` starts its own lab.
  --port N   first port (the twins take N, N+1, …); default: ports picked by the system
  --json     print { twins, credentials } as JSON (the lab's credentials, per connector)
Each twin also serves /_lab/reset, /_lab/state, /_lab/faults and /_lab/rate-limit.
`;

/** Starts the lab for a run: every slot is bound to its connector's lab credential. */
export async function startRunLab(): Promise<{ lab: Lab; secrets: string[] }> {
  const lab = await startLab(labVendors);
  const secrets = labVendors.flatMap((v) => secretValues(lab.credentials[v.connector.id], v.connector));
  return { lab, secrets };
}

/** `switchboard lab`: start every twin, print where they are, wait for Ctrl-C. */
export async function labCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { port: { type: 'string' }, json: { type: 'boolean' } }, 'lab');
  if (positionals.length > 0) throw new CliError('lab: takes no file (see switchboard help lab)');
  const basePort = values.port === undefined ? undefined : Number(values.port);
  if (basePort !== undefined && (!Number.isInteger(basePort) || basePort < 1024 || basePort > 65_000)) {
    throw new CliError(`--port: ${values.port} is not a port between 1024 and 65000`);
  }
  const lab = await startLab(labVendors, basePort === undefined ? {} : { basePort });
  if (values.json === true) {
    io.stdout.write(prettyJson({ twins: lab.twins.map((t) => ({ id: t.id, name: t.name, url: t.url })), credentials: lab.credentials }));
  } else {
    io.stdout.write(`Lab running: ${lab.twins.length} vendor twins on 127.0.0.1\n`);
    for (const twin of lab.twins) io.stdout.write(`  ${twin.id.padEnd(12)} ${twin.name.padEnd(36)} ${twin.url}\n`);
    io.stdout.write('Run a playbook against it with: switchboard run FILE --lab   (Ctrl-C stops the lab)\n');
  }
  await new Promise<void>((resolve) => {
    if (io.signal?.aborted) return resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await lab.close();
  return EXIT_OK;
}
