import { copyUpTo, setOwn } from '../expressions/plain-value.ts';

/** What a redacted secret, or the value of a sensitive field, is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * Secrets shorter than this are ignored: replacing every `1`, `on` or `abc` in a journal would
 * shred it while hiding nothing a credential could be.
 */
export const MIN_SECRET_LENGTH = 4;

/** Replaces secrets inside a value; returns the very same value when nothing changed. */
export type Redactor = <T>(value: T) => T;

const identity: Redactor = (value) => value;

/**
 * Compiles a redactor for a run's secrets once, so the executor can call it on every event.
 * Every occurrence of a secret is replaced, inside longer strings (`Bearer <secret>`) and in
 * object keys too; containers are copied only along the paths that changed.
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  const pattern = secretPattern(secrets);
  if (pattern === undefined) return identity;
  const replaceText = (text: string): string => {
    pattern.lastIndex = 0;
    return pattern.test(text) ? text.replace(pattern, REDACTED) : text;
  };
  return <T>(value: T): T => transform(value, replaceText, () => false) as T;
}

const redactors = new WeakMap<readonly string[], Redactor>();

/**
 * `createRedactor(secrets)(value)`, with the compiled redactor cached per `secrets` array, so
 * callers that keep one array per run pay for the compilation once.
 */
export function redact(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value;
  let redactor = redactors.get(secrets);
  if (redactor === undefined) {
    redactor = createRedactor(secrets);
    redactors.set(secrets, redactor);
  }
  return redactor(value);
}

/**
 * Field names whose values are credentials whatever they hold, compared lowercased with `-`,
 * `_`, `.` and spaces removed: the second net behind value redaction, for secrets no slot declared.
 */
export const SENSITIVE_KEYS: readonly string[] = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'clientsecret',
  'apikey',
  'xapikey',
  'apitoken',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authtoken',
  'sessiontoken',
  'bearertoken',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'privatekey',
  'sessionid',
];

/** Suffixes that make a field sensitive too (`smtp_password`, `vt-api-key`, `webhookSecret`). */
const SENSITIVE_SUFFIXES = ['password', 'passwd', 'secret', 'apikey', 'accesstoken', 'authtoken', 'privatekey'];

/** Normalises a field name for comparison: `X-Api-Key` and `api_key` both become `xapikey`/`apikey`. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_. ]/g, '');
}

/** Whether a field name is one whose value must never be written down; custom `keys` match exactly (no suffixes). */
export function isSensitiveKey(key: string, keys: ReadonlySet<string> = DEFAULT_KEY_SET): boolean {
  const normal = normalizeKey(key);
  if (keys.has(normal)) return true;
  return keys === DEFAULT_KEY_SET && SENSITIVE_SUFFIXES.some((suffix) => normal.endsWith(suffix));
}

const DEFAULT_KEY_SET: ReadonlySet<string> = new Set(SENSITIVE_KEYS);

/** Memo of field names already classified: events repeat the same few keys thousands of times. */
const keyVerdicts = new Map<string, boolean>();
const MAX_KEY_VERDICTS = 10_000;

function sensitiveDefaultKey(key: string): boolean {
  const known = keyVerdicts.get(key);
  if (known !== undefined) return known;
  const verdict = isSensitiveKey(key);
  if (keyVerdicts.size >= MAX_KEY_VERDICTS) keyVerdicts.clear();
  keyVerdicts.set(key, verdict);
  return verdict;
}

/**
 * Replaces the values of sensitive fields (`password`, `apiKey`, `token`, `Authorization`, …)
 * with `[REDACTED]`, at any depth. Empty strings, null and booleans are kept: they hide nothing.
 * Returns the very same value when nothing changed.
 */
export function redactKeys(value: unknown, keys?: readonly string[]): unknown {
  if (keys === undefined) return transform(value, (text) => text, sensitiveDefaultKey);
  const set = new Set(keys.map(normalizeKey));
  return transform(value, (text) => text, (key) => isSensitiveKey(key, set));
}

/**
 * Words every default sensitive field name contains (separators may sit between words, as in
 * `pass_word` or `x-api-key`, not inside them).
 */
const SENSITIVE_WORDS = /pass|secret|api|token|auth|cookie|private|session/gi;

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;

/**
 * Whether compact JSON text (as `JSON.stringify` writes it) may hold a field `redactKeys` would
 * blank. False means it holds none (short of a separator inside a word, `to_ken`), so a journal
 * can skip the walk for almost every event. Each sensitive word found is followed to the end of
 * its string: only a key (a string followed by `:`) counts, so values such as
 * `https://vendor/api/v3/…` do not force a walk.
 */
export function mayHoldSensitiveKey(json: string): boolean {
  SENSITIVE_WORDS.lastIndex = 0;
  while (SENSITIVE_WORDS.exec(json) !== null) {
    const close = closingQuote(json, SENSITIVE_WORDS.lastIndex);
    if (close < 0 || json.charCodeAt(close + 1) === COLON) return true;
    SENSITIVE_WORDS.lastIndex = close + 1;
  }
  return false;
}

/** Index of the quote that ends the JSON string `from` lies in, skipping escapes; -1 if none. */
function closingQuote(json: string, from: number): number {
  for (let i = from; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (code === BACKSLASH) i++;
    else if (code === QUOTE) return i;
  }
  return -1;
}

/**
 * A test on encoded JSON for any of `secrets` (as written, or as JSON escapes it). False means
 * the text holds none of them, so the value needs no redaction walk.
 */
export function createSecretProbe(secrets: readonly string[]): (json: string) => boolean {
  const pattern = compiledOnce(`p\u0000${secrets.join('\u0000')}`, () => {
    const forms = usableSecrets(secrets).flatMap(secretForms).flatMap((secret) => {
      const escaped = JSON.stringify(secret).slice(1, -1);
      return escaped === secret ? [secret] : [secret, escaped];
    });
    return forms.length === 0 ? undefined : new RegExp(forms.map(escapeRegExp).join('|'));
  });
  if (pattern === undefined) return () => false;
  return (json) => pattern.test(json);
}

/**
 * Both nets for one run's secrets, compiled once: given a value and its plain `JSON.stringify`
 * text, it walks the value only for what the text may hold (a secret; a sensitive field when
 * `blankKeys`), and returns the very same value when nothing changed.
 */
export function createScrubber(secrets: readonly string[], blankKeys: boolean): <T>(value: T, json: string) => T {
  const redactSecrets = createRedactor(secrets);
  const holdsSecret = createSecretProbe(secrets);
  return <T>(value: T, json: string): T => {
    const redacted = holdsSecret(json) ? redactSecrets(value) : value;
    return blankKeys && mayHoldSensitiveKey(json) ? (redactKeys(redacted) as T) : redacted;
  };
}

/** Both nets at once: secret values wherever they appear, then sensitive field names. */
export function redactAll(value: unknown, secrets: readonly string[]): unknown {
  return redactKeys(redact(value, secrets));
}

function usableSecrets(secrets: readonly string[]): string[] {
  return [...new Set(secrets.filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))];
}

function secretPattern(secrets: readonly string[]): RegExp | undefined {
  return compiledOnce(`g\u0000${secrets.join('\u0000')}`, () => {
    const usable = [...new Set(usableSecrets(secrets).flatMap(secretForms))];
    if (usable.length === 0) return undefined;
    usable.sort((a, b) => b.length - a.length);
    return new RegExp(usable.map(escapeRegExp).join('|'), 'g');
  });
}

/**
 * Patterns compiled for the sets of secrets seen lately: every run of a workspace (and every
 * triggered run) brings the same credentials, and compiling their encoded forms costs more than
 * a short run. A pattern with the `g` flag keeps `lastIndex`, so each user resets it before use.
 */
const compiled = new Map<string, RegExp | undefined>();
const COMPILED_LIMIT = 64;

function compiledOnce(key: string, compile: () => RegExp | undefined): RegExp | undefined {
  if (compiled.has(key)) return compiled.get(key);
  const pattern = compile();
  if (compiled.size >= COMPILED_LIMIT) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, pattern);
  return pattern;
}

/** Shortest base64 run taken as a secret's trace: shorter ones would blank unrelated base64. */
const MIN_BASE64_CORE = 6;

/**
 * The forms a secret takes on its way into a journal: as is, URL-encoded (a query value, a form
 * body), upper- and lowercased (`$uppercase`), and base64 (`$base64encode`, HTTP Basic's
 * `user:secret`). Base64 of a secret inside longer text depends on its offset modulo 3, so each
 * offset gives the run of characters that encodes the secret alone, without its neighbours.
 */
export function secretForms(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, '+'), secret.toUpperCase(), secret.toLowerCase()];
  const bytes = new TextEncoder().encode(secret);
  for (let offset = 0; offset < 3; offset++) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    const encoded = btoa(String.fromCharCode(...padded));
    const core = encoded.slice(Math.ceil(offset / 3) * 4, Math.floor((offset + bytes.length) / 3) * 4);
    if (core.length < MIN_BASE64_CORE) continue;
    forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms.filter((form) => form.length >= MIN_SECRET_LENGTH);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function hidesNothing(value: unknown): boolean {
  return value === null || value === undefined || value === '' || typeof value === 'boolean';
}

/**
 * Walks a JSON-like value, rewriting strings with `text` and blanking fields `sensitive` names.
 * Copies a container only when something inside it changed; shared and cyclic references are
 * visited once.
 */
function transform(root: unknown, text: (s: string) => string, sensitive: (key: string) => boolean): unknown {
  let seen: Map<object, unknown> | undefined;

  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value);
    if (typeof value !== 'object' || value === null) return value;
    seen ??= new Map();
    if (seen.has(value)) return seen.get(value);
    seen.set(value, value);
    const result = Array.isArray(value) ? visitArray(value) : visitObject(value as Record<string, unknown>);
    seen.set(value, result);
    return result;
  };

  const visitArray = (list: unknown[]): unknown[] => {
    let copy: unknown[] | undefined;
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      const next = visit(item);
      if (next !== item) {
        copy ??= list.slice();
        copy[i] = next;
      }
    }
    return copy ?? list;
  };

  const visitObject = (object: Record<string, unknown>): unknown => {
    const source = typeof object.toJSON === 'function' ? (object.toJSON as () => unknown)() : object;
    if (source !== object) {
      const next = visit(source);
      return next === source ? object : next;
    }
    let copy: Record<string, unknown> | undefined;
    const keys = Object.keys(object);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const item = object[key];
      const nextKey = text(key);
      const next = sensitive(key) && !hidesNothing(item) ? REDACTED : visit(item);
      if (next !== item || nextKey !== key) {
        copy ??= copyUpTo(object, keys, i);
        setOwn(copy, nextKey, next);
      } else if (copy !== undefined) {
        setOwn(copy, key, item);
      }
    }
    return copy ?? object;
  };

  return visit(root);
}
