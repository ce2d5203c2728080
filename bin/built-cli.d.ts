/** Types of bin/built-cli.js (plain JavaScript, so the command starts without a compiler). */
import type vm from 'node:vm';

export const BUNDLE: string;
export const CODE_CACHE: string;
export type CacheUse = 'used' | 'rejected' | 'absent';
export function loadBuiltCli(dir: string): { exports: Record<string, unknown>; script: vm.Script; cache: CacheUse; source: Buffer };
export function writeCodeCache(dir: string, argv: readonly string[], cwd: string): Promise<number>;
export function silentIo(cwd: string): { stdout: { write(): boolean }; stderr: { write(): boolean }; stdin: undefined; isTTY: false; cwd: string; env: NodeJS.ProcessEnv; signal: AbortSignal };
