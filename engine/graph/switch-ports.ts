/** Port names a switch keeps for itself, so no case may take them. */
export const SWITCH_RESERVED_PORTS: ReadonlySet<string> = new Set(['default', 'error']);

/**
 * A switch's output ports from its raw params: one per usable case name, then default and error.
 * Shared by the engine and the editor so both agree on a switch's ports. Never throws.
 */
export function switchPorts(params: Record<string, unknown>): string[] {
  let cases: unknown;
  try {
    cases = params?.['cases'];
  } catch {
    cases = undefined;
  }
  const names = Array.isArray(cases)
    ? cases.filter((c): c is string => typeof c === 'string' && c !== '' && !SWITCH_RESERVED_PORTS.has(c) && !c.includes('{{'))
    : [];
  return [...new Set(names), 'default', 'error'];
}
