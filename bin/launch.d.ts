/** Types of bin/launch.js (plain JavaScript, so the command starts without a compiler). */
export type Entry = { run: 'built' } | { run: 'sources' } | { run: 'none'; reason: string };
export function chooseEntry(facts: { built: boolean; stale: boolean; tsxInstalled: boolean }): Entry;
export function buildIsStale(builtDir: string, root: string): boolean;
export function tsxInstalled(): boolean;
