/** One piece of a template string: literal text, or the source of a `{{ … }}` expression. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'expression'; readonly source: string; readonly offset: number };

/** A template string cut into parts; `typed` when it is one expression with only whitespace around. */
export interface ScannedTemplate {
  readonly parts: readonly TemplatePart[];
  readonly typed: boolean;
}

/** A `{{` with no closing `}}`: the template cannot be cut into parts. */
export class TemplateScanError extends Error {
  /** Offset of the unclosed `{{` in the string. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.name = 'TemplateScanError';
    this.offset = offset;
  }
}

const OPEN = '{{';

/** True when the string may hold a template (or an escaped `\{{`); anything else is a literal as is. */
export function mayHoldTemplate(text: string): boolean {
  return text.includes(OPEN);
}

/**
 * Cuts a string into text and `{{ expression }}` parts. A backslash right before `{{` escapes it
 * (`\{{` is a literal `{{`, `\\{{` a literal backslash then a template); other backslashes are kept.
 * The closing `}}` is found outside JSONata strings, backtick names, comments and nested braces,
 * so `{{ "}}" }}` and `{{ {"a": {"b": 1}} }}` work.
 */
export function scanTemplate(text: string): ScannedTemplate {
  const parts: TemplatePart[] = [];
  let pending = '';
  let index = 0;
  for (;;) {
    const open = text.indexOf(OPEN, index);
    if (open < 0) break;
    const backslashes = countBackslashesBefore(text, open, index);
    pending += text.slice(index, open - backslashes) + '\\'.repeat(Math.floor(backslashes / 2));
    if (backslashes % 2 === 1) {
      pending += OPEN;
      index = open + OPEN.length;
      continue;
    }
    const start = open + OPEN.length;
    const close = findClose(text, start);
    if (pending !== '') parts.push({ kind: 'text', text: pending });
    pending = '';
    parts.push({ kind: 'expression', source: text.slice(start, close), offset: start });
    index = close + 2;
  }
  pending += text.slice(index);
  if (pending !== '') parts.push({ kind: 'text', text: pending });
  return { parts, typed: isTyped(parts) };
}

function isTyped(parts: readonly TemplatePart[]): boolean {
  let expressions = 0;
  for (const part of parts) {
    if (part.kind === 'expression') expressions++;
    else if (part.text.trim() !== '') return false;
  }
  return expressions === 1;
}

function countBackslashesBefore(text: string, position: number, floor: number): number {
  let count = 0;
  while (position - count - 1 >= floor && text[position - count - 1] === '\\') count++;
  return count;
}

/** Offset of the `}}` closing an expression that starts at `start`. */
function findClose(text: string, start: number): number {
  const aware = findCloseOutsideLiterals(text, start);
  if (aware >= 0) return aware;
  const naive = text.indexOf('}}', start);
  if (naive >= 0) return naive;
  throw new TemplateScanError(`unclosed "{{" at offset ${start - OPEN.length}: add "}}" (or write "\\{{" for a literal "{{")`, start - OPEN.length);
}

function findCloseOutsideLiterals(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (char === '"' || char === "'" || char === '`') {
      i = endOfQuoted(text, i);
      if (i < 0) return -1;
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return -1;
      i = end + 1;
    } else if (char === '{') {
      depth++;
    } else if (char === '}') {
      if (depth === 0 && text[i + 1] === '}') return i;
      if (depth > 0) depth--;
    }
  }
  return -1;
}

/** Offset of the quote closing the literal opened at `open` (backticks have no escapes), or -1. */
function endOfQuoted(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && quote !== '`') i++;
    else if (char === quote) return i;
  }
  return -1;
}
