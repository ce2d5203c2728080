/**
 * Expression paths for completion and for "copy path": the JSONata spelling of a place in a
 * value (`nodes.check_url.output.flagged_by[0].engine_name`) and the `{{ }}` template around it.
 */

import { JSONATA_NAME_KEYWORDS } from '../../engine/expressions/fast-path.ts';

const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A path step: an object key or an array index. */
export type Segment = string | number;

/** Appends segments to a base path, quoting keys that are not plain names with JSONata backticks. */
export function joinPath(base: string, segments: readonly Segment[]): string {
  let out = base;
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (NAME.test(segment) && !JSONATA_NAME_KEYWORDS.has(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `${out === '' ? '' : '.'}\`${segment.replaceAll('`', '')}\``;
  }
  return out;
}

/** `{{ path }}`: a template whose value is the value at `path`, typed. */
export function asTemplate(path: string): string {
  return `{{ ${path} }}`;
}

/** One completion: the template to insert and a short preview of the value behind it. */
export interface Suggestion {
  template: string;
  path: string;
  preview: string;
  /** Where the value came from, shown beside it. */
  source: string;
}

/** A short, one-line preview of a value for a suggestion list. */
export function previewOf(value: unknown): string {
  if (Array.isArray(value)) return `list of ${value.length}`;
  if (value !== null && typeof value === 'object') return `object of ${Object.keys(value).length}`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/**
 * Every path into `value` under `base`, depth first, `base` itself included. Lists contribute
 * their first item only (its shape stands for the rest); depth and count are bounded.
 */
export function pathsOf(base: string, value: unknown, source: string, maxDepth = 5, limit = 200): Suggestion[] {
  const out: Suggestion[] = [];
  const visit = (path: string, current: unknown, depth: number): void => {
    if (out.length >= limit) return;
    out.push({ template: asTemplate(path), path, preview: previewOf(current), source });
    if (depth >= maxDepth) return;
    if (Array.isArray(current)) {
      if (current.length > 0) visit(joinPath(path, [0]), current[0], depth + 1);
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) visit(joinPath(path, [key]), child, depth + 1);
    }
  };
  visit(base, value, 0);
  return out;
}

/** What an expression can reach from one node: upstream outputs, the trigger, vars, the forEach item. */
export interface CompletionSources {
  trigger: unknown;
  upstream: ReadonlyArray<{ id: string; name: string; output: unknown; fromRun: boolean }>;
  vars: Record<string, unknown>;
  inForEach: boolean;
}

/** All suggestions for a node, trigger first, then upstream nodes in the order given. */
export function suggestionsFrom(sources: CompletionSources): Suggestion[] {
  const out: Suggestion[] = [];
  if (sources.trigger !== undefined) out.push(...pathsOf('trigger', sources.trigger, 'trigger event'));
  for (const node of sources.upstream) {
    const source = `${node.name} (${node.fromRun ? 'last run' : 'example'})`;
    out.push(...pathsOf(joinPath('nodes', [node.id, 'output']), node.output, source));
  }
  if (Object.keys(sources.vars).length > 0) out.push(...pathsOf('vars', sources.vars, 'playbook vars', 3));
  if (sources.inForEach) {
    out.push({ template: asTemplate('item'), path: 'item', preview: 'the current item', source: 'forEach' });
    out.push({ template: asTemplate('index'), path: 'index', preview: 'its position, from 0', source: 'forEach' });
  }
  return out;
}

/** Suggestions whose path contains `query` (case-insensitive), those starting with it first. */
export function filterSuggestions(all: readonly Suggestion[], query: string, limit = 50): Suggestion[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return all.slice(0, limit);
  const starts: Suggestion[] = [];
  const contains: Suggestion[] = [];
  for (const suggestion of all) {
    const path = suggestion.path.toLowerCase();
    if (path.startsWith(needle)) starts.push(suggestion);
    else if (path.includes(needle)) contains.push(suggestion);
    if (starts.length >= limit) break;
  }
  return starts.concat(contains).slice(0, limit);
}

/** An unclosed `{{` before the caret: where it starts and what was typed after it. */
export interface OpenTemplate {
  start: number;
  query: string;
}

/** Finds the template being typed at `caret`, if the caret sits inside an unclosed `{{`. */
export function openTemplateAt(text: string, caret: number): OpenTemplate | undefined {
  const before = text.slice(0, caret);
  const start = before.lastIndexOf('{{');
  if (start < 0 || before.indexOf('}}', start) >= 0) return undefined;
  return { start, query: before.slice(start + 2) };
}

/** Replaces the open template at `caret` (and its `}}` if it follows) with `template`; returns the text and new caret. */
export function insertTemplate(text: string, caret: number, open: OpenTemplate, template: string): { text: string; caret: number } {
  let end = caret;
  const rest = text.slice(caret);
  const close = rest.indexOf('}}');
  const nextOpen = rest.indexOf('{{');
  if (close >= 0 && (nextOpen < 0 || close < nextOpen)) end = caret + close + 2;
  const next = text.slice(0, open.start) + template + text.slice(end);
  return { text: next, caret: open.start + template.length };
}
