import { appVersion } from '../host.ts';
import { auditCommand, auditUsage } from './commands/audit.ts';
import { connectorsCommand, connectorsUsage } from './commands/connectors.ts';
import { labCommand, labUsage } from './commands/lab.ts';
import { resumeCommand, resumeUsage } from './commands/resume.ts';
import { runCommand, runUsage } from './commands/run.ts';
import { runsCommand, runsUsage } from './commands/runs.ts';
import { serveCommand, serveUsage } from './commands/serve.ts';
import { startCommand, startUsage } from './commands/start.ts';
import { usersCommand, usersUsage } from './commands/users.ts';
import { workerCommand, workerUsage } from './commands/worker.ts';
import { validateCommand, validateUsage } from './commands/validate.ts';
import {
  disableCommand,
  disableUsage,
  enableCommand,
  enableUsage,
  eventsCommand,
  eventsUsage,
  publishCommand,
  publishUsage,
  replayCommand,
  replayUsage,
  triggersCommand,
  triggersUsage,
} from './commands/triggers.ts';
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

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  validate: { run: (argv, io) => validateCommand(argv, io), usage: validateUsage },
  run: { run: (argv, io) => runCommand(argv, io), usage: runUsage },
  runs: { run: runsCommand, usage: runsUsage },
  resume: { run: (argv, io) => resumeCommand(argv, io), usage: resumeUsage },
  connectors: { run: connectorsCommand, usage: connectorsUsage },
  lab: { run: labCommand, usage: labUsage },
  serve: { run: (argv, io) => serveCommand(argv, io), usage: serveUsage },
  start: { run: startCommand, usage: startUsage },
  enable: { run: (argv, io) => enableCommand(argv, io), usage: enableUsage },
  disable: { run: (argv, io) => disableCommand(argv, io), usage: disableUsage },
  publish: { run: (argv, io) => publishCommand(argv, io), usage: publishUsage },
  triggers: { run: (argv, io) => triggersCommand(argv, io), usage: triggersUsage },
  events: { run: eventsCommand, usage: eventsUsage },
  replay: { run: replayCommand, usage: replayUsage },
  worker: { run: workerCommand, usage: workerUsage },
  users: { run: usersCommand, usage: usersUsage },
  audit: { run: auditCommand, usage: auditUsage },
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
    if (name === '--help' || name === '-h' || name === 'help') return help(rest[0], io);
    if (name === '--version' || name === '-v' || name === 'version') {
      io.stdout.write(`switchboard ${appVersion()}\n`);
      return EXIT_OK;
    }
    const command = COMMANDS[name];
    if (command === undefined) throw new CliError(`unknown command ${JSON.stringify(name)} (see switchboard --help)`);
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

function help(topic: string | undefined, io: CliIo): number {
  if (topic === undefined) {
    io.stdout.write(usage);
    return EXIT_OK;
  }
  const command = COMMANDS[topic];
  if (command === undefined) throw new CliError(`no help for unknown command ${JSON.stringify(topic)}`);
  io.stdout.write(command.usage);
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
