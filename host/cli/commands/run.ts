import path from 'node:path';
import type { Playbook } from '../../../engine/format/playbook.ts';
import type { EgressPolicy, NodeRegistry } from '../../../engine/node-type.ts';
import type { CredentialsPort } from '../../../engine/ports.ts';
import { formatProblem, hasErrors } from '../../../engine/validate/problems.ts';
import { unboundSlotProblems } from '../../../engine/validate/unbound-slots.ts';
import type { Lab } from '../../lab/lab.ts';
import { builtinConnectors, createBuiltinRegistry } from '../../../nodes/registry.ts';
import { secretValues } from '../../../nodes/sdk/secrets.ts';
import { runEgressPolicy } from '../../runs/egress-policy.ts';
import { unknownNodeIds } from '../../runs/node-ids.ts';
import { readWorkspaceSettings } from '../../workspace/settings.ts';
import { labCredentials, portSlots } from '../../runs/workspace-credentials.ts';
import { parseCommandArgs, resolveWorkspace, splitList } from '../args.ts';
import { allSecrets, createFileCredentials, readCredentialsFile, stringValues } from '../credentials-file.ts';
import type { SecretsOf } from '../credentials-file.ts';
import { CliError, EXIT_INVALID } from '../io.ts';
import type { CliIo } from '../io.ts';
import { createPlaybookResolver, readJsonFile, readPlaybookFile, SHIPPED_PLAYBOOKS } from '../playbook-files.ts';
import { runSession } from '../run-session.ts';
import { startRunLab } from './lab.ts';

/** What `switchboard help run` prints. */
export const runUsage = `Usage: switchboard run FILE [options]

Runs a playbook, printing a line per node as it settles, then a summary.
  --event FILE        the trigger event (JSON); default: the trigger's params.sample, else {}
  --dry-run           run reads, replace writes with their example output (marked simulated)
  --step              pause before every node: [n]ext [c]ontinue [s]kip [i]nspect [q]uit
  --breakpoint ID     pause before node ID (repeat, or comma-separate)
  --credentials FILE  JSON { "<slot>": { ...fields } } binding the playbook's credential slots
  --lab               lab mode: start the lab's vendor twins and bind every slot to its lab
                      credential; the output is marked [LAB]. Without it, a slot that nodes
                      use and --credentials does not bind refuses the run (exit 2)
  --approve, --reject decide every approval this way; without them a terminal is asked, and
                      with no terminal approvals are rejected
  --comment TEXT      recorded with every approval decision (else a terminal asks for one);
                      decisions are recorded as the workspace's display name, else $USER
  --unknown POLICY    what a resumed run does with a write the earlier run sent without
                      recording its outcome: fail (default), resend, ask (see help resume)
  --workspace DIR     where the run journal goes (default: $SWITCHBOARD_WORKSPACE or ./.switchboard)
  --json              print the final run state as JSON instead of live lines
Prompts read one line each from stdin (piped input works too). Ctrl-C stops the run.
Exit 0 when the run succeeded, 1 when it failed or was stopped, 2 on invalid input.
`;

/** The options `run` and `resume` share. */
export const RUN_OPTIONS = {
  'dry-run': { type: 'boolean' },
  step: { type: 'boolean' },
  breakpoint: { type: 'string', multiple: true },
  credentials: { type: 'string' },
  workspace: { type: 'string' },
  json: { type: 'boolean' },
  approve: { type: 'boolean' },
  reject: { type: 'boolean' },
  lab: { type: 'boolean' },
  unknown: { type: 'string' },
  comment: { type: 'string' },
} as const;

/** `switchboard run FILE`: validate, run with the journal on, report; exit 0/1/2. */
export async function runCommand(argv: readonly string[], io: CliIo, registry: NodeRegistry = createBuiltinRegistry()): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...RUN_OPTIONS, event: { type: 'string' } }, 'run');
  const unknownOutcome = unknownFlag(values.unknown);
  if (positionals.length !== 1) throw new CliError('run: give exactly one playbook file (see switchboard help run)');
  const file = path.resolve(io.cwd, positionals[0] as string);

  const { playbook, problems } = readPlaybookFile(file, registry);
  for (const problem of problems) io.stderr.write(`${formatProblem(problem, positionals[0])}\n`);
  if (playbook === undefined || hasErrors(problems)) return EXIT_INVALID;

  const breakpoints = checkBreakpoints(splitList(values.breakpoint), playbook);
  const trigger = values.event === undefined ? sampleEvent(playbook, registry) : readJsonFile(path.resolve(io.cwd, values.event), 'event file');
  const workspace = resolveWorkspace(values.workspace, io);
  const { credentials, secrets, lab } = await runCredentials(values, playbook, registry, io, 'run');

  try {
    if (!(await slotsBound(playbook, credentials, values.lab === true, new Set(), io, positionals[0] as string))) return EXIT_INVALID;
    return await runSession(
      {
        playbook,
        playbookFile: file,
        registry,
        trigger,
        dryRun: values['dry-run'] === true,
        mode: values.step === true ? 'step' : 'run',
        breakpoints,
        credentials,
        secrets,
        lab: values.lab === true,
        egress: await cliEgress(workspace, lab),
        playbooks: createPlaybookResolver(path.dirname(file), [path.join(workspace, 'playbooks'), SHIPPED_PLAYBOOKS], registry),
        workspace,
        json: values.json === true,
        approvals: approvalsFlag(values.approve, values.reject),
        unknownOutcome,
        ...(values.comment === undefined ? {} : { comment: values.comment }),
      },
      io,
    );
  } finally {
    await lab?.close();
  }
}

/**
 * The credentials of a CLI run: with `--lab`, the lab's (started here, every credential marked lab
 * so its nodes carry the LAB badge); else a `--credentials` file's, or none. The caller closes the lab.
 */
export async function runCredentials(
  values: { lab?: boolean; credentials?: string },
  playbook: Playbook,
  registry: NodeRegistry,
  io: CliIo,
  command: string,
): Promise<{ credentials?: CredentialsPort; secrets: string[]; lab?: Lab }> {
  if (values.lab !== true) return loadCredentials(values.credentials, playbook, registry, io);
  if (values.credentials !== undefined) throw new CliError(`${command}: give --lab or --credentials, not both`);
  const { lab, secrets } = await startRunLab();
  return { credentials: labCredentials(lab.credentialsPort), secrets, lab };
}

/**
 * The egress policy of a CLI run: the workspace's `egress.allow` (its settings.json, if any) and,
 * with `--lab`, exactly the twins of the lab started for the run. A bad settings file is invalid input.
 */
export async function cliEgress(workspace: string, lab: Pick<Lab, 'twins'> | undefined): Promise<EgressPolicy> {
  const settings = await readWorkspaceSettings(workspace).catch((err: unknown) => {
    throw new CliError(err instanceof Error ? err.message : String(err));
  });
  return runEgressPolicy({ allow: settings.egress?.allow ?? [], twins: lab?.twins ?? [], labMode: lab !== undefined });
}

/**
 * Whether every credential slot that nodes of the run use resolves; when not, prints one problem
 * per unbound slot (naming the nodes using it) and how to bind it, so the run is refused, never
 * sent elsewhere. `idle` are nodes that will not call their tool (a resume's reused nodes).
 */
export async function slotsBound(playbook: Playbook, credentials: CredentialsPort | undefined, lab: boolean, idle: ReadonlySet<string>, io: CliIo, file: string): Promise<boolean> {
  const problems = unboundSlotProblems(playbook, { bound: await portSlots(playbook, credentials), lab, idle });
  if (problems.length === 0) return true;
  for (const problem of problems) io.stderr.write(`${formatProblem(problem, file)}\n`);
  io.stderr.write(lab ? 'bind those slots with --credentials FILE instead of --lab\n' : 'bind the slots with --credentials FILE, or run on the lab with --lab\n');
  return false;
}

/** What `--unknown` may say, in the order its error lists them. */
const UNKNOWN_POLICIES = ['resend', 'fail', 'ask'] as const;

/**
 * `--unknown` as the run's policy for writes of unknown outcome. Unattended runs have nobody to
 * ask, so the default is `fail`: a write that may have gone out is never sent again unasked.
 */
export function unknownFlag(value: string | undefined): 'resend' | 'fail' | 'ask' {
  if (value === undefined) return 'fail';
  const policy = UNKNOWN_POLICIES.find((p) => p === value);
  if (policy === undefined) throw new CliError(`--unknown: ${JSON.stringify(value)} is not one of ${UNKNOWN_POLICIES.join(', ')}`);
  return policy;
}

/** `--approve` / `--reject` as the session's approval policy; both at once is a usage error. */
export function approvalsFlag(approve: boolean | undefined, reject: boolean | undefined): 'ask' | 'approve' | 'reject' {
  if (approve === true && reject === true) throw new CliError('run: give --approve or --reject, not both');
  return approve === true ? 'approve' : reject === true ? 'reject' : 'ask';
}

/** The event a run starts with when none is given: the trigger node's `params.sample`, else `{}`. */
export function sampleEvent(playbook: Playbook, registry: NodeRegistry): unknown {
  const trigger = playbook.nodes.find((n) => registry.get(n.type)?.kind === 'trigger' || n.type.startsWith('trigger.'));
  return trigger?.params.sample ?? {};
}

/** Refuses breakpoints on nodes the playbook does not have, naming them all. */
export function checkBreakpoints(ids: readonly string[], playbook: Playbook): string[] {
  const unknown = unknownNodeIds(ids, playbook);
  if (unknown.length > 0) throw new CliError(`--breakpoint: no node ${unknown.join(', ')} in playbook ${playbook.id}`);
  return [...ids];
}

/**
 * Secret fields as the connector (or, for shared credentials such as `http`, the node types
 * that take them) declares them; every string value when neither is known, to err on the safe side.
 */
export function secretsOfFor(registry: NodeRegistry): SecretsOf {
  return (values, connectorId) => {
    const connector = builtinConnectors.find((c) => c.id === connectorId);
    if (connector !== undefined) return secretValues(values, connector);
    for (const spec of registry.values()) {
      if (spec.credentials?.connector === connectorId && spec.credentials.schema !== undefined) return secretValues(values, spec.credentials.schema);
    }
    return stringValues(values);
  };
}

/** Reads `--credentials FILE` into the executor's port and the secrets to keep out of the journal. */
export function loadCredentials(
  flag: string | undefined,
  playbook: Playbook,
  registry: NodeRegistry,
  io: CliIo,
): { credentials?: CredentialsPort; secrets: string[] } {
  if (flag === undefined) return { secrets: [] };
  let slots;
  try {
    slots = readCredentialsFile(path.resolve(io.cwd, flag));
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
  const secretsOf = secretsOfFor(registry);
  return { credentials: createFileCredentials(slots, secretsOf), secrets: allSecrets(slots, playbook.credentials, secretsOf) };
}
