import path from 'node:path';
import type { NodeRegistry } from '../../../engine/node-type.ts';
import { formatProblem, hasErrors } from '../../../engine/validate/problems.ts';
import { createBuiltinRegistry } from '../../../nodes/registry.ts';
import { parseCommandArgs } from '../args.ts';
import { CliError, EXIT_INVALID, EXIT_OK } from '../io.ts';
import type { CliIo } from '../io.ts';
import { readPlaybookFile } from '../playbook-files.ts';

/** What `switchboard help validate` prints. */
export const validateUsage = `Usage: switchboard validate FILE...

Checks playbook files: format, graph, expressions, params and credentials.
Prints "✓ FILE (N nodes)" for each valid file, every problem one per line otherwise.
Exit 0 when all files are valid (warnings do not fail), 2 when any is not.
`;

/** `switchboard validate FILE...`: every problem of every file, one per line; never a stack trace. */
export async function validateCommand(argv: readonly string[], io: CliIo, registry: NodeRegistry = createBuiltinRegistry()): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {}, 'validate');
  if (positionals.length === 0) throw new CliError('validate: give at least one playbook file (see switchboard help validate)');
  let failed = false;
  for (const file of positionals) {
    const { playbook, problems } = readPlaybookFile(path.resolve(io.cwd, file), registry);
    for (const problem of problems) io.stdout.write(`${formatProblem(problem, file)}\n`);
    if (playbook === undefined || hasErrors(problems)) failed = true;
    else io.stdout.write(`✓ ${file} (${playbook.nodes.length} nodes)\n`);
  }
  return failed ? EXIT_INVALID : EXIT_OK;
}
