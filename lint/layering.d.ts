/** Types of lint/layering.js (plain JavaScript: eslint.config.js loads it without a compiler). */
import type { Rule } from 'eslint';
export interface Allowed {
  prefix: string;
  typeOnly?: boolean;
}
export const LAYERS: Record<string, readonly Allowed[] | '*'>;
export function allowedImport(list: readonly Allowed[] | '*', target: string, typeOnly: boolean): boolean;
export const layeringRule: Rule.RuleModule;
