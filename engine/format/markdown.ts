/**
 * A small Markdown → HTML renderer for reports (`core.report@1`) that is safe by construction:
 * every character of the input is escaped, raw HTML is never passed through, links keep only
 * http(s) targets and images are not rendered. Pure and dependency-free, so the renderer and the
 * host produce the same HTML. Supported: ATX headings, paragraphs, emphasis (`*`, `_`, `**`,
 * `__`, `~~`), inline code, fenced and indented code blocks, lists (nested by indentation),
 * pipe tables, block quotes, rules, links (`[text](url)`, `<url>`) and backslash escapes.
 */

/** Tags the renderer may produce; tests check the output against this list. */
export const MARKDOWN_TAGS = [
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'em', 'strong', 'del', 'code', 'pre', 'ul', 'ol', 'li',
  'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'blockquote', 'hr',
] as const;

/** Deeper nesting than this (emphasis in links in lists in quotes...) renders as plain text. */
const MAX_DEPTH = 16;

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The link target if it is an absolute http(s) URL, normalised (quotes and spaces percent-encoded); otherwise undefined. */
export function safeHref(raw: string): string | undefined {
  if (!/^https?:\/\//i.test(raw)) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href.replace(/"/g, '%22').replace(/'/g, '%27') : undefined;
  } catch {
    return undefined;
  }
}

function link(href: string, labelHtml: string): string {
  return `<a href="${escapeHtml(href)}" rel="noopener noreferrer nofollow" target="_blank">${labelHtml}</a>`;
}

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;

/** The first entry of a sorted list that is at least `from`, or -1. */
function firstAtOrAfter(sorted: readonly number[], from: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? sorted[lo]! : -1;
}

/** Renders one line (or a paragraph's lines) of inline Markdown to escaped HTML. */
export function renderInline(text: string, depth = 0, inLink = false): string {
  if (depth > MAX_DEPTH) return escapeHtml(text);
  let out = '';
  let plain = '';
  const flush = (): void => {
    out += escapeHtml(plain);
    plain = '';
  };
  // indexOf results remembered per token, so openers without closers cost linear time in total.
  const misses = new Map<string, number>();
  const find = (token: string, from: number): number => {
    const miss = misses.get(token);
    if (miss !== undefined && miss <= from) return -1;
    const at = text.indexOf(token, from);
    if (at < 0) misses.set(token, from);
    return at;
  };
  // Where each emphasis can close (a run of its marker after a non-space), found once per line.
  const closers = new Map<string, number[]>();
  const closersOf = (c: string, width: number): number[] => {
    const key = c + width;
    let list = closers.get(key);
    if (list !== undefined) return list;
    list = [];
    for (let p = text.indexOf(c); p >= 0; ) {
      let len = 1;
      while (text[p + len] === c) len++;
      const closes = p > 0 && !/\s/.test(text[p - 1]!) && !(c === '_' && /\w/.test(text[p + len] ?? ''));
      if (closes && width === 1 && (len === 1 || len === 3)) list.push(p + len - 1);
      if (closes && width === 2 && (len === 2 || (len === 3 && c !== '~'))) list.push(p + len - 2);
      p = text.indexOf(c, p + len);
    }
    closers.set(key, list);
    return list;
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length && PUNCTUATION.test(text[i + 1]!)) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      let run = 1;
      while (text[i + run] === '`') run++;
      const fence = '`'.repeat(run);
      let close = find(fence, i + run);
      while (close >= 0 && text[close + run] === '`') {
        let end = close;
        while (text[end] === '`') end++;
        close = find(fence, end);
      }
      if (close < 0) {
        plain += fence;
        i += run;
        continue;
      }
      let code = text.slice(i + run, close).replace(/\n/g, ' ');
      if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') code = code.slice(1, -1);
      flush();
      out += `<code>${escapeHtml(code)}</code>`;
      i = close + run;
      continue;
    }
    if (c === '<' && !inLink) {
      const close = find('>', i + 1);
      const inner = close > 0 ? text.slice(i + 1, close) : '';
      const href = close > 0 && !/[\s<]/.test(inner) ? safeHref(inner) : undefined;
      if (href !== undefined) {
        flush();
        out += link(href, escapeHtml(inner));
        i = close + 1;
        continue;
      }
    }
    if (c === '!' && text[i + 1] === '[') {
      // Images are not rendered: the `!` stays as text and the rest reads as a link or text.
      plain += c;
      i++;
      continue;
    }
    if (c === '[' && !inLink) {
      const close = find('](', i + 1);
      const end = close < 0 ? -1 : find(')', close + 2);
      const nested = close < 0 ? -1 : text.indexOf('[', i + 1);
      if (close > i && end > close && (nested < 0 || nested > close)) {
        const label = text.slice(i + 1, close);
        const target = text.slice(close + 2, end).trim().replace(/^<(.*)>$/, '$1');
        const href = /\s/.test(target) ? undefined : safeHref(target);
        flush();
        out += href === undefined ? escapeHtml(text.slice(i, end + 1)) : link(href, renderInline(label, depth + 1, true));
        i = end + 1;
        continue;
      }
    }
    if (c === '*' || c === '_' || c === '~') {
      let run = 1;
      while (text[i + run] === c) run++;
      const width = c === '~' ? (run === 2 ? 2 : 0) : run === 1 ? 1 : run <= 3 ? 2 : 0;
      const next = text[i + run];
      const wordBefore = c === '_' && i > 0 && /\w/.test(text[i - 1]!);
      if (width > 0 && next !== undefined && !/\s/.test(next) && !wordBefore) {
        const close = firstAtOrAfter(closersOf(c, width), i + run);
        if (close >= 0) {
          const tag = c === '~' ? 'del' : width === 2 ? 'strong' : 'em';
          flush();
          out += `<${tag}>${renderInline(text.slice(i + width, close), depth + 1, inLink)}</${tag}>`;
          i = close + width;
          continue;
        }
      }
      plain += c.repeat(run);
      i += run;
      continue;
    }
    plain += c;
    i++;
  }
  flush();
  return out;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^( *)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const TABLE_DELIMITER = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

/** Splits a table row on `|` outside code spans and backslash escapes. */
function tableCells(line: string): string[] {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  for (let i = 0; i < row.length; i++) {
    const c = row[i]!;
    if (c === '\\' && row[i + 1] === '|') {
      cell += inCode ? '|' : '\\|';
      i++;
    } else if (c === '`') {
      inCode = !inCode;
      cell += c;
    } else if (c === '|' && !inCode) {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

/** Does this line start a block other than a paragraph (so it ends the paragraph before it)? */
function startsBlock(lines: readonly string[], i: number): boolean {
  const line = lines[i]!;
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || LIST_ITEM.test(line) || (line.includes('|') && TABLE_DELIMITER.test(lines[i + 1] ?? ''));
}

function renderBlocks(lines: readonly string[], depth: number): string {
  if (depth > MAX_DEPTH) return `<p>${escapeHtml(lines.join('\n'))}</p>`;
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (isBlank(line)) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      i++;
      while (i < lines.length && !new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`).test(lines[i]!)) body.push(lines[i++]!);
      i++;
      out.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    if (indentOf(line) >= 4 && !LIST_ITEM.test(line)) {
      const body: string[] = [];
      while (i < lines.length && (isBlank(lines[i]!) || indentOf(lines[i]!) >= 4)) body.push(lines[i++]!.slice(4));
      while (body.length > 0 && isBlank(body[body.length - 1]!)) body.pop();
      out.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      out.push(`<h${level}>${renderInline(heading[2] ?? '', depth)}</h${level}>`);
      i++;
      continue;
    }
    if (RULE.test(line)) {
      out.push('<hr>');
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && !isBlank(lines[i]!)) {
        const quoted = QUOTE.exec(lines[i]!);
        body.push(quoted ? quoted[1]! : lines[i]!);
        i++;
      }
      out.push(`<blockquote>${renderBlocks(body, depth + 1)}</blockquote>`);
      continue;
    }
    if (LIST_ITEM.test(line)) {
      const rendered = renderList(lines, i, depth);
      out.push(rendered.html);
      i = rendered.next;
      continue;
    }
    if (line.includes('|') && TABLE_DELIMITER.test(lines[i + 1] ?? '')) {
      const head = tableCells(line);
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && !isBlank(lines[i]!) && lines[i]!.includes('|')) rows.push(tableCells(lines[i++]!));
      const cell = (tag: 'th' | 'td', text: string): string => `<${tag}>${renderInline(text, depth)}</${tag}>`;
      const body = rows.map((row) => `<tr>${head.map((_, c) => cell('td', row[c] ?? '')).join('')}</tr>`).join('');
      out.push(`<table><thead><tr>${head.map((h) => cell('th', h)).join('')}</tr></thead>${rows.length > 0 ? `<tbody>${body}</tbody>` : ''}</table>`);
      continue;
    }
    const para: string[] = [line.trim()];
    i++;
    while (i < lines.length && !isBlank(lines[i]!) && !startsBlock(lines, i)) para.push(lines[i++]!.trim());
    out.push(`<p>${renderInline(para.join('\n'), depth)}</p>`);
  }
  return out.join('\n');
}

/** A list from line `start`: items at its indentation, deeper lines nested inside the item before them. */
function renderList(lines: readonly string[], start: number, depth: number): { html: string; next: number } {
  const first = LIST_ITEM.exec(lines[start]!)!;
  const indent = first[1]!.length;
  const ordered = /\d/.test(first[2]![0]!);
  const startNumber = ordered ? Number.parseInt(first[2]!, 10) : 1;
  const items: string[] = [];
  let i = start;
  while (i < lines.length) {
    const item = LIST_ITEM.exec(lines[i]!);
    if (!item || item[1]!.length !== indent || /\d/.test(item[2]![0]!) !== ordered) break;
    const text: string[] = [item[3] ?? ''];
    const nested: string[] = [];
    i++;
    while (i < lines.length) {
      const next = lines[i]!;
      if (isBlank(next)) {
        const following = lines[i + 1];
        if (following !== undefined && !isBlank(following) && indentOf(following) > indent) {
          i++;
          continue;
        }
        break;
      }
      if (indentOf(next) <= indent && (LIST_ITEM.test(next) || startsBlock(lines, i))) break;
      if (nested.length > 0 || (indentOf(next) > indent && LIST_ITEM.test(next))) nested.push(next);
      else text.push(next.trim());
      i++;
    }
    const inner = nested.length > 0 ? renderBlocks(dedent(nested), depth + 1) : '';
    items.push(`<li>${renderInline(text.join('\n'), depth)}${inner === '' ? '' : `\n${inner}`}</li>`);
    while (i < lines.length && isBlank(lines[i]!) && LIST_ITEM.test(lines[i + 1] ?? '') && indentOf(lines[i + 1]!) === indent) i++;
  }
  const tag = ordered ? 'ol' : 'ul';
  const open = ordered && startNumber !== 1 ? `<ol start="${startNumber}">` : `<${tag}>`;
  return { html: `${open}\n${items.join('\n')}\n</${tag}>`, next: i };
}

function dedent(lines: readonly string[]): string[] {
  const by = Math.min(...lines.filter((l) => !isBlank(l)).map(indentOf));
  return lines.map((l) => l.slice(Math.min(by, indentOf(l))));
}

/** Renders Markdown to HTML that holds only the renderer's own tags (MARKDOWN_TAGS) and escaped text. */
export function renderMarkdown(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD').split('\n').map((l) => l.replace(/\t/g, '    '));
  return renderBlocks(lines, 0);
}

/** Content-Security-Policy of a saved report: no scripts, no fetches, no frames; only its own inline style. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const REPORT_STYLE = [
  'body{font:15px/1.5 system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem;color:#1b1f24;background:#fff}',
  'pre{background:#f3f4f6;padding:.75rem;overflow:auto}code{font-family:ui-monospace,monospace;font-size:.9em}',
  'table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}',
  'blockquote{margin:0;padding-left:1rem;border-left:3px solid #d0d7de;color:#57606a}a{color:#0550ae}',
].join('');

/** A standalone HTML document of a report: strict CSP meta, minimal style, the title escaped. */
export function reportHtmlDocument(title: string, markdown: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${REPORT_STYLE}</style>`,
    '</head>',
    '<body>',
    renderMarkdown(markdown),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
