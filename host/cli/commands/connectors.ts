import { builtinConnectors } from '../../../nodes/registry.ts';
import { describeConnector } from '../../describe-connector.ts';
import { parseCommandArgs } from '../args.ts';
import { table } from '../format-run.ts';
import { EXIT_OK, prettyJson } from '../io.ts';
import type { CliIo } from '../io.ts';

/** What `switchboard help connectors` prints. */
export const connectorsUsage = `Usage: switchboard connectors [--json]

Lists the built-in connectors and their actions (id, title, read/write effect).
  --json   print [{ id, name, category, actions: [{ id, title, effect }] }]
`;

/** A connector as the CLI lists it: the stable fields scripts may rely on. */
export interface ConnectorListing {
  id: string;
  name: string;
  category: string;
  actions: { id: string; title: string; effect: string }[];
}

/** The catalogue of built-in connectors, reduced to what `connectors` prints. */
export function listConnectors(): ConnectorListing[] {
  return builtinConnectors.map((connector) => {
    const described = describeConnector(connector);
    return {
      id: described.id,
      name: described.name,
      category: described.category,
      actions: described.actions.map((a) => ({ id: a.id, title: a.title, effect: a.effect })),
    };
  });
}

/** `switchboard connectors [--json]`: what a playbook can call, grouped by connector. */
export async function connectorsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: 'boolean' } }, 'connectors');
  const connectors = listConnectors();
  if (values.json === true) {
    io.stdout.write(`${prettyJson(connectors)}\n`);
    return EXIT_OK;
  }
  for (const connector of connectors) {
    io.stdout.write(`${connector.id}  ${connector.name}  (${connector.category})\n`);
    const rows = connector.actions.map((a) => [`  ${a.id}`, a.effect, a.title]);
    if (rows.length > 0) io.stdout.write(table(['  ACTION', 'EFFECT', 'TITLE'], rows));
    io.stdout.write('\n');
  }
  return EXIT_OK;
}
