import { formatPath } from '../validate/problems.ts';
import type { PathSegment, Problem } from '../validate/problems.ts';

/**
 * A JSON loader for files that come from elsewhere (a teammate, a ticket, the internet).
 *
 * It is strict RFC 8259 JSON and refuses, with a line and column, what `JSON.parse` lets through
 * or cannot see: oversized input, non-UTF-8 encodings, deep nesting, prototype-polluting keys,
 * duplicate keys (the last one silently winning is how reviewed files hide a second value), and
 * strings that are not valid Unicode. The parser is an explicit-stack loop, so hostile nesting
 * cannot overflow the call stack, and it runs in time linear in the input.
 */

export type SafeJsonCode =
  | 'JSON_TOO_LARGE'
  | 'JSON_ENCODING'
  | 'JSON_SYNTAX'
  | 'JSON_TOO_DEEP'
  | 'JSON_FORBIDDEN_KEY'
  | 'JSON_DUPLICATE_KEY';

export interface SafeJsonOptions {
  /** Largest accepted input in UTF-8 bytes, checked before any parsing. Default 10 MB. */
  maxBytes?: number;
  /** Deepest accepted nesting of objects and arrays. Default 64. */
  maxDepth?: number;
  /** Record where every value starts, so later problems (schema, graph) can cite line and column. */
  trackPositions?: boolean;
}

/** A 1-based place in the text. */
export interface TextPosition {
  line: number;
  column: number;
}

/** Finds where a value (or object member) of the parsed document starts. */
export interface JsonPositions {
  /** The deepest existing prefix of `path` wins, so a missing field points at its object. */
  locate(path: readonly PathSegment[]): TextPosition | undefined;
}

export type SafeJsonResult =
  | { ok: true; value: unknown; positions?: JsonPositions }
  | { ok: false; problem: Problem & { code: SafeJsonCode; line: number; column: number } };

export const DEFAULT_MAX_JSON_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_JSON_DEPTH = 64;

/** Keys that reach an object's prototype when assigned; refused anywhere in the document. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Parses untrusted JSON text or bytes; never throws, and reports the first problem found. */
export function parseJsonSafely(input: string | Uint8Array, options: SafeJsonOptions = {}): SafeJsonResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_JSON_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const decoded = typeof input === 'string' ? checkText(input, maxBytes) : decodeBytes(input, maxBytes);
  if (!decoded.ok) return decoded;
  return parseText(decoded.text, maxDepth, options.trackPositions === true);
}

type Failure = Extract<SafeJsonResult, { ok: false }>;
type Decoded = { ok: true; text: string } | Failure;

function fail(code: SafeJsonCode, message: string, text: string, offset: number, path?: string): Failure {
  const { line, column } = positionAt(text, offset);
  const problem: Failure['problem'] = { severity: 'error', code, message, line, column };
  if (path !== undefined && path !== '') problem.path = path;
  return { ok: false, problem };
}

function tooLarge(size: number, maxBytes: number): Failure {
  return fail('JSON_TOO_LARGE', `file is ${describeBytes(size)}; at most ${describeBytes(maxBytes)} is read`, '', 0);
}

function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KB`;
  return `${bytes} bytes`;
}

// ---------------------------------------------------------------------------------------------
// Encoding

function decodeBytes(bytes: Uint8Array, maxBytes: number): Decoded {
  if (bytes.byteLength > maxBytes) return tooLarge(bytes.byteLength, maxBytes);
  const foreign = foreignEncoding(bytes);
  if (foreign !== undefined) return fail('JSON_ENCODING', foreign, '', 0);
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
    const shown = Array.from(bytes.subarray(offset, offset + 4), hexByte).join(' ');
    const surrogate = bytes[offset] === 0xed && (bytes[offset + 1] ?? 0) >= 0xa0;
    const hint = surrogate
      ? 'an encoded lone surrogate (CESU-8/WTF-8), which UTF-8 does not allow'
      : 'the file must be UTF-8 (is it Latin-1 or Windows-1252?)';
    return fail(
      'JSON_ENCODING',
      `invalid UTF-8 at byte ${offset} (${shown}): ${hint}`,
      before,
      before.length,
    );
  }
}

/** Names the encoding of a file that is plainly not UTF-8: byte-order marks and NUL patterns. */
function foreignEncoding(bytes: Uint8Array): string | undefined {
  const [b0, b1, b2, b3] = bytes;
  const utf8Only = 'Switchboard reads UTF-8 without a byte-order mark only';
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return `file is UTF-32LE (byte-order mark FF FE 00 00); ${utf8Only}`;
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return `file is UTF-32BE (byte-order mark 00 00 FE FF); ${utf8Only}`;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return `file starts with a UTF-8 byte-order mark (EF BB BF); save it as UTF-8 without BOM`;
  if (b0 === 0xff && b1 === 0xfe) return `file is UTF-16LE (byte-order mark FF FE); ${utf8Only}`;
  if (b0 === 0xfe && b1 === 0xff) return `file is UTF-16BE (byte-order mark FE FF); ${utf8Only}`;
  const nul = nulPattern(bytes);
  if (nul !== undefined) return `file looks like ${nul} without a byte-order mark (every other byte is NUL); ${utf8Only}`;
  return undefined;
}

/** JSON text never holds a NUL, so NULs at alternating bytes of the opening mean UTF-16 (or 32). */
function nulPattern(bytes: Uint8Array): string | undefined {
  const length = Math.min(bytes.length, 64) & ~1;
  if (length < 2) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < length; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = length / 2;
  if (oddNul * 2 >= pairs && evenNul * 4 < pairs) return 'UTF-16LE';
  if (evenNul * 2 >= pairs && oddNul * 4 < pairs) return 'UTF-16BE';
  if (evenNul + oddNul > pairs) return 'UTF-32';
  return undefined;
}

function hexByte(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = b === 0xe0 ? 0xa0 : 0x80;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = b === 0xf0 ? 0x90 : 0x80;
      if (b === 0xf4) max = 0x8f;
    } else {
      return i;
    }
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (k === 1 ? c < min || c > max : c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return n;
}

function checkText(text: string, maxBytes: number): Decoded {
  if (text.length > maxBytes) return tooLarge(text.length, maxBytes);
  if (text.length * 3 > maxBytes) {
    const size = utf8Length(text);
    if (size > maxBytes) return tooLarge(size, maxBytes);
  }
  if (text.charCodeAt(0) === 0xfeff) {
    return fail('JSON_ENCODING', 'text starts with a byte-order mark (U+FEFF); save it as UTF-8 without BOM', text, 0);
  }
  const codes = Array.from(text.slice(0, 64), (ch) => (ch === '\0' ? 0 : 0x41));
  const nul = nulPattern(Uint8Array.from(codes));
  if (nul !== undefined) {
    return fail('JSON_ENCODING', `text has NUL characters at every other position: it is ${nul} read as if it were UTF-8`, text, 0);
  }
  return { ok: true, text };
}

function utf8Length(text: string): number {
  let size = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) size += 1;
    else if (c < 0x800) size += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      size += 4;
      i++;
    } else size += 3;
  }
  return size;
}

// ---------------------------------------------------------------------------------------------
// Positions

/** Turns a character offset into a 1-based line and column (LF, CRLF and CR all end a line). */
function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Positions for many lookups: line starts are indexed once, then each lookup is a binary search. */
function lineIndex(text: string): (offset: number) => TextPosition {
  let starts: number[] | undefined;
  return (offset) => {
    if (starts === undefined) {
      starts = [0];
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
      }
    }
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (starts[low] as number) + 1 };
  };
}

/** Where each member (object key) or element starts, per container, held beside the value. */
type Offsets = Map<string, number> | number[];

function createPositions(text: string, root: unknown, rootOffset: number, table: WeakMap<object, Offsets>): JsonPositions {
  const at = lineIndex(text);
  return {
    locate(path) {
      let offset = rootOffset;
      let current = root;
      for (const segment of path) {
        if (current === null || typeof current !== 'object') break;
        const offsets = table.get(current);
        const next = offsets instanceof Map ? offsets.get(String(segment)) : offsets?.[Number(segment)];
        if (next === undefined) break;
        offset = next;
        current = (current as Record<string, unknown>)[segment];
      }
      return at(offset);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Parser

const enum Ch {
  Tab = 9,
  Lf = 10,
  Cr = 13,
  Space = 32,
  Quote = 34,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  UpperE = 69,
  OpenBracket = 91,
  Backslash = 92,
  CloseBracket = 93,
  LowerE = 101,
  OpenBrace = 123,
  CloseBrace = 125,
}

interface ObjectFrame {
  kind: 'object';
  value: Record<string, unknown>;
  /** The member being read; undefined while its key is read. */
  key: string | undefined;
  offsets: Map<string, number> | undefined;
}

interface ArrayFrame {
  kind: 'array';
  value: unknown[];
  offsets: number[] | undefined;
}

type Frame = ObjectFrame | ArrayFrame;

class JsonFailure {
  constructor(
    readonly code: SafeJsonCode,
    readonly message: string,
    readonly offset: number,
  ) {}
}

/**
 * The parser proper. Values are built into ordinary objects, which is safe because the only keys
 * that reach a prototype on assignment are refused before assignment; `Object.hasOwn` spots
 * duplicates.
 */
function parseText(text: string, maxDepth: number, track: boolean): SafeJsonResult {
  const n = text.length;
  const stack: Frame[] = [];
  const table = new WeakMap<object, Offsets>();
  let pos = 0;

  const pathOf = (): string =>
    formatPath(stack.flatMap((frame): PathSegment[] => (frame.kind === 'array' ? [frame.value.length] : frame.key === undefined ? [] : [frame.key])));
  const failure = (code: SafeJsonCode, message: string, offset: number): Failure =>
    fail(code, message, text, offset, pathOf());

  const skipWhitespace = (): void => {
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c === Ch.Space || c === Ch.Lf || c === Ch.Cr || c === Ch.Tab) pos++;
      else return;
    }
  };

  const unexpected = (expected: string): JsonFailure => {
    if (pos >= n) return new JsonFailure('JSON_SYNTAX', `unexpected end of input; expected ${expected} (is the file truncated?)`, pos);
    const c = text.charCodeAt(pos);
    if (c === Ch.Slash && (text.charCodeAt(pos + 1) === Ch.Slash || text.charCodeAt(pos + 1) === 42)) {
      return new JsonFailure('JSON_SYNTAX', 'comments are not allowed in JSON', pos);
    }
    if (c === 39) return new JsonFailure('JSON_SYNTAX', `strings must use double quotes, not single quotes; expected ${expected}`, pos);
    return new JsonFailure('JSON_SYNTAX', `unexpected ${describeChar(text, pos)}; expected ${expected}`, pos);
  };

  const readString = (): string => {
    const open = pos;
    let i = pos + 1;
    let chunk = i;
    let out = '';
    for (;;) {
      if (i >= n) throw new JsonFailure('JSON_SYNTAX', 'unterminated string: end of input before its closing quote', open);
      const c = text.charCodeAt(i);
      if (c === Ch.Quote) {
        pos = i + 1;
        return out + text.slice(chunk, i);
      }
      if (c === Ch.Backslash) {
        out += text.slice(chunk, i);
        const [decoded, next] = readEscape(text, i);
        out += decoded;
        i = next;
        chunk = i;
        continue;
      }
      if (c < 0x20) {
        throw new JsonFailure('JSON_SYNTAX', `${describeChar(text, i)} in a string must be escaped`, i);
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        const low = text.charCodeAt(i + 1);
        if (c > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) {
          throw new JsonFailure('JSON_ENCODING', `lone surrogate U+${hex4(c)} in a string; the text is not valid Unicode`, i);
        }
        i += 2;
        continue;
      }
      i++;
    }
  };

  const readNumber = (): number => {
    const start = pos;
    let i = pos;
    if (text.charCodeAt(i) === Ch.Minus) i++;
    const first = text.charCodeAt(i);
    if (first === Ch.Zero) {
      i++;
      if (isDigit(text.charCodeAt(i))) throw new JsonFailure('JSON_SYNTAX', 'numbers may not have leading zeros', start);
    } else if (first > Ch.Zero && first <= Ch.Nine) {
      while (isDigit(text.charCodeAt(i))) i++;
    } else {
      pos = i;
      if (text.startsWith('Infinity', i)) throw new JsonFailure('JSON_SYNTAX', '-Infinity is not JSON; use null or a string', start);
      throw unexpected('a digit');
    }
    if (text.charCodeAt(i) === Ch.Dot) {
      i++;
      if (!isDigit(text.charCodeAt(i))) {
        pos = i;
        throw unexpected('a digit after the decimal point');
      }
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === Ch.LowerE || e === Ch.UpperE) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === Ch.Plus || sign === Ch.Minus) i++;
      if (!isDigit(text.charCodeAt(i))) {
        pos = i;
        throw unexpected('a digit in the exponent');
      }
      while (isDigit(text.charCodeAt(i))) i++;
    }
    pos = i;
    return Number(text.slice(start, i));
  };

  const readLiteral = (): unknown => {
    if (text.startsWith('true', pos)) return advance(4, true);
    if (text.startsWith('false', pos)) return advance(5, false);
    if (text.startsWith('null', pos)) return advance(4, null);
    for (const word of ['NaN', 'Infinity', 'undefined']) {
      if (text.startsWith(word, pos)) throw new JsonFailure('JSON_SYNTAX', `${word} is not JSON; use null or a string`, pos);
    }
    throw unexpected('a value');
  };

  const advance = (length: number, value: unknown): unknown => {
    pos += length;
    return value;
  };

  /** Reads `"key" :` and checks the key; leaves `pos` at the member's value. */
  const readKey = (frame: ObjectFrame): void => {
    frame.key = undefined;
    if (text.charCodeAt(pos) !== Ch.Quote) {
      throw pos < n && (text.charCodeAt(pos) === Ch.CloseBrace)
        ? new JsonFailure('JSON_SYNTAX', "trailing comma before '}'", pos)
        : unexpected('a key in double quotes');
    }
    const keyStart = pos;
    const key = readString();
    frame.key = key;
    if (FORBIDDEN_KEYS.has(key)) {
      throw new JsonFailure('JSON_FORBIDDEN_KEY', `key "${key}" is not allowed anywhere in a playbook file (it can reach object prototypes)`, keyStart);
    }
    if (Object.hasOwn(frame.value, key)) {
      throw new JsonFailure('JSON_DUPLICATE_KEY', `key "${key}" appears twice in the same object; only one value can be meant`, keyStart);
    }
    frame.offsets?.set(key, keyStart);
    skipWhitespace();
    if (text.charCodeAt(pos) !== Ch.Colon) throw unexpected(`':' after the key "${truncate(key)}"`);
    pos++;
    skipWhitespace();
  };

  const open = (frame: Frame, offset: number): void => {
    if (stack.length >= maxDepth) {
      throw new JsonFailure('JSON_TOO_DEEP', `nesting is deeper than ${maxDepth} levels of objects and arrays`, offset);
    }
    if (frame.offsets !== undefined) table.set(frame.value, frame.offsets);
    stack.push(frame);
  };

  try {
    skipWhitespace();
    if (pos >= n) throw new JsonFailure('JSON_SYNTAX', 'the file is empty; expected a JSON value', pos);
    const rootOffset = pos;
    let value: unknown;
    for (;;) {
      // 1. Read one value; containers are opened and the loop descends into their first member.
      const c = text.charCodeAt(pos);
      if (c === Ch.OpenBrace) {
        const frame: ObjectFrame = { kind: 'object', value: {}, key: undefined, offsets: track ? new Map() : undefined };
        open(frame, pos);
        pos++;
        skipWhitespace();
        if (text.charCodeAt(pos) === Ch.CloseBrace) {
          pos++;
          stack.pop();
          value = frame.value;
        } else {
          readKey(frame);
          continue;
        }
      } else if (c === Ch.OpenBracket) {
        const frame: ArrayFrame = { kind: 'array', value: [], offsets: track ? [] : undefined };
        open(frame, pos);
        pos++;
        skipWhitespace();
        if (text.charCodeAt(pos) === Ch.CloseBracket) {
          pos++;
          stack.pop();
          value = frame.value;
        } else {
          frame.offsets?.push(pos);
          continue;
        }
      } else if (c === Ch.Quote) {
        value = readString();
      } else if (c === Ch.Minus || (c >= Ch.Zero && c <= Ch.Nine)) {
        value = readNumber();
      } else {
        value = readLiteral();
      }

      // 2. Hand the value to its container, then close every container that ends here.
      let descend = false;
      while (!descend) {
        const frame = stack[stack.length - 1];
        skipWhitespace();
        if (frame === undefined) {
          if (pos < n) throw unexpected('the end of input after the JSON value');
          const positions = track ? createPositions(text, value, rootOffset, table) : undefined;
          return positions === undefined ? { ok: true, value } : { ok: true, value, positions };
        }
        const next = text.charCodeAt(pos);
        if (frame.kind === 'array') {
          frame.value.push(value);
          if (next === Ch.Comma) {
            pos++;
            skipWhitespace();
            if (text.charCodeAt(pos) === Ch.CloseBracket) throw new JsonFailure('JSON_SYNTAX', "trailing comma before ']'", pos);
            frame.offsets?.push(pos);
            descend = true;
          } else if (next === Ch.CloseBracket) {
            pos++;
            stack.pop();
            value = frame.value;
          } else {
            throw unexpected("',' or ']'");
          }
        } else {
          frame.value[frame.key as string] = value;
          if (next === Ch.Comma) {
            pos++;
            skipWhitespace();
            readKey(frame);
            descend = true;
          } else if (next === Ch.CloseBrace) {
            pos++;
            stack.pop();
            value = frame.value;
          } else {
            throw unexpected("',' or '}'");
          }
        }
      }
    }
  } catch (error) {
    if (error instanceof JsonFailure) return failure(error.code, error.message, error.offset);
    throw error;
  }
}

function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

const SIMPLE_ESCAPES: Record<number, string> = {
  [Ch.Quote]: '"',
  [Ch.Backslash]: '\\',
  [Ch.Slash]: '/',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
};

/** Decodes the escape at `at` (a backslash); returns the text and the offset after it. */
function readEscape(text: string, at: number): [string, number] {
  const c = text.charCodeAt(at + 1);
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return [simple, at + 2];
  if (c !== 117) {
    const what = Number.isNaN(c) ? 'end of input' : describeChar(text, at + 1);
    throw new JsonFailure('JSON_SYNTAX', `invalid escape: backslash followed by ${what}`, at);
  }
  const unit = readHex4(text, at);
  if (unit >= 0xdc00 && unit <= 0xdfff) {
    throw new JsonFailure('JSON_ENCODING', `escape \\u${hex4(unit)} is a lone low surrogate; the text is not valid Unicode`, at);
  }
  if (unit >= 0xd800 && unit <= 0xdbff) {
    const low = text.charCodeAt(at + 6) === Ch.Backslash && text.charCodeAt(at + 7) === 117 ? readHex4(text, at + 6) : -1;
    if (!(low >= 0xdc00 && low <= 0xdfff)) {
      throw new JsonFailure('JSON_ENCODING', `escape \\u${hex4(unit)} is a lone high surrogate; the text is not valid Unicode`, at);
    }
    return [String.fromCharCode(unit, low), at + 12];
  }
  return [String.fromCharCode(unit), at + 6];
}

function readHex4(text: string, at: number): number {
  const digits = text.slice(at + 2, at + 6);
  if (!/^[0-9a-fA-F]{4}$/.test(digits)) {
    throw new JsonFailure('JSON_SYNTAX', 'invalid \\u escape: expected four hex digits', at);
  }
  return parseInt(digits, 16);
}

function hex4(unit: number): string {
  return unit.toString(16).toUpperCase().padStart(4, '0');
}

function describeChar(text: string, at: number): string {
  const code = text.codePointAt(at) ?? 0;
  if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) return `control character U+${hex4(code)}`;
  if (code >= 0xd800 && code <= 0xdfff) return `lone surrogate U+${hex4(code)}`;
  return `'${String.fromCodePoint(code)}'`;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
