import { appVersion } from '../app-version.ts';
import { CliError, EXIT_INVALID, EXIT_OK } from './io.ts';
import type { CliIo } from './io.ts';
import { oneLine } from './playbook-files.ts';

/** What `switchboard --help` prints. */
export const usage = `Usage: switchboard <command> [options]

Security orchestration from the command line: validate and run playbooks, list runs.

Commands:
  validate FILE...          check playbook files; exit 2 listing every problem
  run FILE [options]        run a playbook with a live line per node
                            [--event FILE] [--dry-run] [--step] [--breakpoint ID...]
                            [--credentials FILE | --lab] [--workspace DIR] [--json]
  runs [--workspace DIR]    list past runs, including interrupted ones [--json]
  resume RUN_ID             continue an interrupted run from where it stopped; a write it
                            had sent without an answer: [--unknown fail|resend|ask]
  connectors [--json]       list connectors and their actions
  lab [--port N] [--json]   start the vendor twins (simulated tool APIs) and print their URLs
  serve [options]           the editor in the browser, on 127.0.0.1 with a token
                            [--port N] [--workspace DIR] [--no-lab] [--no-open]
  start                     what npm start runs: the desktop app, else serve
  enable|disable PLAYBOOK   make a playbook's triggers live (at its published revision), or stop them
  publish PLAYBOOK          make the saved revision the one live triggers run
  triggers [--json]         each playbook's triggers: enabled, published revision, path or schedule
  events [--json]           the event inbox, newest first [--playbook ID] [--status S]
  replay EVENT_ID           record a new run of a past event (marked as a replay)
  worker --database URL     take a team server's runs from its queue and execute them
                            [--concurrency N] [--vault-key-file FILE]
  users add|list|role       team server accounts: add NAME --role ROLE, list, role NAME ROLE
  audit [verify]            the team audit trail, newest first; verify checks its hash chain
  help [COMMAND]            this text, or a command's options
  --version                 print the version

Runs are journalled under --workspace (default: $SWITCHBOARD_WORKSPACE or ./.switchboard).
worker, users and audit work on a team database: --database URL (default: $SWITCHBOARD_DATABASE).
Exit codes: 0 success, 1 the run failed or was stopped (or audit verify found a break),
2 invalid input.
`;

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

interface CommandModule {
  run: Command;
  usage: string;
}

/**
 * Each command's module, loaded only when that command runs: `validate` must not pay for the
 * team server's PostgreSQL client or the web server (cold start, see bench/cli-cold-start.ts).
 */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  validate: () => import('./commands/validate.ts').then((m) => ({ run: (argv, io) => m.validateCommand(argv, io), usage: m.validateUsage })),
  run: () => import('./commands/run.ts').then((m) => ({ run: (argv, io) => m.runCommand(argv, io), usage: m.runUsage })),
  runs: () => import('./commands/runs.ts').then((m) => ({ run: m.runsCommand, usage: m.runsUsage })),
  resume: () => import('./commands/resume.ts').then((m) => ({ run: (argv, io) => m.resumeCommand(argv, io), usage: m.resumeUsage })),
  connectors: () => import('./commands/connectors.ts').then((m) => ({ run: m.connectorsCommand, usage: m.connectorsUsage })),
  lab: () => import('./commands/lab.ts').then((m) => ({ run: m.labCommand, usage: m.labUsage })),
  serve: () => import('./commands/serve.ts').then((m) => ({ run: (argv, io) => m.serveCommand(argv, io), usage: m.serveUsage })),
  start: () => import('./commands/start.ts').then((m) => ({ run: m.startCommand, usage: m.startUsage })),
  enable: () => import('./commands/triggers.ts').then((m) => ({ run: (argv, io) => m.enableCommand(argv, io), usage: m.enableUsage })),
  disable: () => import('./commands/triggers.ts').then((m) => ({ run: (argv, io) => m.disableCommand(argv, io), usage: m.disableUsage })),
  publish: () => import('./commands/triggers.ts').then((m) => ({ run: (argv, io) => m.publishCommand(argv, io), usage: m.publishUsage })),
  triggers: () => import('./commands/triggers.ts').then((m) => ({ run: (argv, io) => m.triggersCommand(argv, io), usage: m.triggersUsage })),
  events: () => import('./commands/triggers.ts').then((m) => ({ run: m.eventsCommand, usage: m.eventsUsage })),
  replay: () => import('./commands/triggers.ts').then((m) => ({ run: m.replayCommand, usage: m.replayUsage })),
  worker: () => import('./commands/worker.ts').then((m) => ({ run: m.workerCommand, usage: m.workerUsage })),
  users: () => import('./commands/users.ts').then((m) => ({ run: m.usersCommand, usage: m.usersUsage })),
  audit: () => import('./commands/audit.ts').then((m) => ({ run: m.auditCommand, usage: m.auditUsage })),
};

/**
 * Dispatches a command line to its command and returns the exit code. Whatever goes wrong comes
 * out as one line on stderr (exit 2), never a stack trace; SWITCHBOARD_DEBUG=1 shows the stack.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      io.stderr.write(usage);
      return EXIT_INVALID;
    }
    if (name === '--help' || name === '-h' || name === 'help') return await help(rest[0], io);
    if (name === '--version' || name === '-v' || name === 'version') {
      io.stdout.write(`switchboard ${appVersion()}\n`);
      return EXIT_OK;
    }
    const load = COMMANDS[name];
    if (load === undefined) throw new CliError(`unknown command ${JSON.stringify(name)} (see switchboard --help)`);
    const command = await load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(command.usage);
      return EXIT_OK;
    }
    return await command.run(rest, io);
  } catch (err) {
    io.stderr.write(`switchboard: ${oneLine(err)}\n`);
    if (io.env.SWITCHBOARD_DEBUG === '1' && err instanceof Error && err.stack !== undefined) io.stderr.write(`${err.stack}\n`);
    return EXIT_INVALID;
  }
}

async function help(topic: string | undefined, io: CliIo): Promise<number> {
  if (topic === undefined) {
    io.stdout.write(usage);
    return EXIT_OK;
  }
  const load = COMMANDS[topic];
  if (load === undefined) throw new CliError(`no help for unknown command ${JSON.stringify(topic)}`);
  io.stdout.write((await load()).usage);
  return EXIT_OK;
}

/**
 * Wires the real process: argv, stdio, Ctrl-C (first stops the run and lets the journal close,
 * a second one exits at once), and exits once output is flushed, whatever handles linger.
 */
export async function runMain(): Promise<void> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const fatal = (err: unknown) => {
    process.stderr.write(`switchboard: internal error: ${oneLine(err)}\n`);
    process.exit(EXIT_INVALID);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    isTTY: process.stdin.isTTY === true && process.stdout.isTTY === true,
    cwd: process.cwd(),
    env: process.env,
    signal: controller.signal,
  };
  const code = await main(process.argv.slice(2), io);
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
