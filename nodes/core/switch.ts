import * as z from 'zod';
import { SWITCH_RESERVED_PORTS, switchPorts } from '../../engine/graph/switch-ports.ts';
import type { NodeTypeSpec } from '../../engine/node-type.ts';

const caseName = z
  .string()
  .min(1)
  .max(100)
  .refine((name) => !SWITCH_RESERVED_PORTS.has(name), 'default and error are reserved port names')
  .refine((name) => !name.includes('{{'), 'case names are literal port names, not templates');

const input = z.strictObject({
  value: z.unknown().meta({ title: 'Value' }).describe('The value to match, usually a {{ }} template.'),
  cases: z
    .array(caseName)
    .min(1)
    .max(100)
    .refine((cases) => new Set(cases).size === cases.length, 'case names must be unique')
    .meta({ title: 'Cases' })
    .describe('Literal case names; each becomes an output port.'),
});

interface SwitchOutput {
  value: unknown;
  case: string;
}

/** The case a value matches: strings match by equality, numbers and booleans by their text. */
export function matchCase(value: unknown, cases: readonly string[]): string {
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  return text !== undefined && cases.includes(text) ? text : 'default';
}

/** Routes on a value: the port named like the matching case, else `default`. */
export const switchNode: NodeTypeSpec<z.output<typeof input>, SwitchOutput> = {
  type: 'core.switch@1',
  connector: 'core',
  action: 'switch',
  title: 'Switch',
  description: 'Takes the path named after the case the value equals, or default.',
  category: 'core',
  kind: 'action',
  effect: 'read',
  input,
  output: z.object({ value: z.unknown().describe('The value that was matched.'), case: z.string().describe('The case taken, or default.') }),
  example: { value: 'malicious', case: 'malicious' },
  ports: switchPorts,
  route: (output) => output.case,
  timing: 'instant',
  idempotent: true,
  run: (_ctx, { value, cases }) => ({ value, case: matchCase(value, cases) }),
};
