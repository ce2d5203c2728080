import * as z from 'zod';

/**
 * Atlassian Document Format (developer.atlassian.com/cloud/jira/platform/apis/document/structure):
 * Jira REST v3 takes rich text (descriptions, comments) only as an ADF `doc`, never as a string.
 */
export interface AdfMark {
  type: 'link' | 'code' | 'strong' | 'em';
  attrs?: { href: string };
}

/** Any ADF node: blocks (paragraph, bulletList, codeBlock…) and inline nodes (text, hardBreak…). */
export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  text?: string;
  marks?: AdfMark[];
}

/** The root every ADF value must be. */
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

/** A raw ADF document as a playbook may pass it: only the envelope is checked, Jira validates the rest. */
export const adfDocSchema = z
  .looseObject({
    type: z.literal('doc'),
    version: z.literal(1),
    content: z.array(z.looseObject({ type: z.string().min(1) })),
  })
  .describe('An Atlassian Document Format document: { type: "doc", version: 1, content: [...] }.');

/** How text is converted. */
export interface AdfOptions {
  /** Turn bare http(s) URLs into links (off when the text quotes malicious URLs). */
  autolink?: boolean;
}

const FENCE = /^\s*```\s*([\w+#.-]*)\s*$/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const ORDERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;
const SAFE_HREF = /^(https?:\/\/|mailto:)/i;
/** Inline code, a markdown link, bold, or a bare URL; the first alternative that matches wins. */
const INLINE = /`([^`\n]+)`|\[([^\]\n]+)\]\(([^)\s]+)\)|\*\*([^*\n]+)\*\*|(https?:\/\/[^\s<>"'`]+)/g;
const TRAILING_PUNCTUATION = /[.,;:!?)\]'"]+$/;

/** Plain or markdown-ish text (paragraphs, `-` and `1.` lists, `#` headings, fenced code, links) as an ADF doc. */
export function textToAdf(text: string, options: AdfOptions = {}): AdfDoc {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const content: AdfNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const end = closingFence(lines, i + 1);
      content.push(codeBlock(lines.slice(i + 1, end).join('\n'), fence[1]));
      i = end + 1;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      content.push({ type: 'heading', attrs: { level: heading[1]!.length }, content: inline(heading[2]!.trim(), options) });
      i++;
      continue;
    }
    if (BULLET.test(line) || ORDERED.test(line)) {
      const ordered = !BULLET.test(line);
      const pattern = ordered ? ORDERED : BULLET;
      const items: string[] = [];
      for (; i < lines.length && pattern.test(lines[i]!); i++) items.push(listText(lines[i]!, ordered));
      content.push(list(items, ordered, ordered ? Number(ORDERED.exec(line)![1]) : 1, options));
      continue;
    }
    const paragraph: string[] = [];
    for (; i < lines.length && startsParagraphLine(lines[i]!); i++) paragraph.push(lines[i]!.trim());
    content.push({ type: 'paragraph', content: withBreaks(paragraph, options) });
  }
  return { type: 'doc', version: 1, content };
}

/** The ADF for a description or comment: a string is converted, an ADF doc passes through untouched. */
export function toAdf(value: string | AdfDoc | z.output<typeof adfDocSchema>, options: AdfOptions = {}): AdfDoc {
  return typeof value === 'string' ? textToAdf(value, options) : (value as AdfDoc);
}

/** Readable plain text of an ADF doc (blocks separated by blank lines), for conditions and chat messages. */
export function adfToText(node: unknown): string {
  return blockText(node).replace(/\n{3,}/g, '\n\n').trim();
}

function closingFence(lines: readonly string[], from: number): number {
  for (let j = from; j < lines.length; j++) if (/^\s*```\s*$/.test(lines[j]!)) return j;
  return lines.length;
}

function startsParagraphLine(line: string): boolean {
  return line.trim() !== '' && !FENCE.test(line) && !HEADING.test(line) && !BULLET.test(line) && !ORDERED.test(line);
}

function listText(line: string, ordered: boolean): string {
  return (ordered ? ORDERED.exec(line)![2]! : BULLET.exec(line)![1]!).trim();
}

function codeBlock(code: string, language: string | undefined): AdfNode {
  const node: AdfNode = { type: 'codeBlock' };
  if (language) node.attrs = { language };
  if (code !== '') node.content = [{ type: 'text', text: code }];
  return node;
}

function list(items: readonly string[], ordered: boolean, start: number, options: AdfOptions): AdfNode {
  const node: AdfNode = {
    type: ordered ? 'orderedList' : 'bulletList',
    content: items.map((item) => ({ type: 'listItem', content: [{ type: 'paragraph', content: inline(item, options) }] })),
  };
  if (ordered && start !== 1) node.attrs = { order: start };
  return node;
}

function withBreaks(lines: readonly string[], options: AdfOptions): AdfNode[] {
  const out: AdfNode[] = [];
  lines.forEach((line, index) => {
    if (index > 0) out.push({ type: 'hardBreak' });
    out.push(...inline(line, options));
  });
  return out;
}

/** Inline nodes of one line: text with code, strong and link marks. ADF forbids empty text nodes. */
export function inline(text: string, options: AdfOptions = {}): AdfNode[] {
  const autolink = options.autolink ?? true;
  const out: AdfNode[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const [whole, code, label, href, bold, url] = match;
    const start = match.index;
    let consumed = whole.length;
    let node: AdfNode;
    if (code !== undefined) node = marked(code, { type: 'code' });
    else if (label !== undefined && href !== undefined) {
      node = SAFE_HREF.test(href) ? marked(label, { type: 'link', attrs: { href } }) : { type: 'text', text: whole };
    } else if (bold !== undefined) node = marked(bold, { type: 'strong' });
    else {
      const clean = url!.replace(TRAILING_PUNCTUATION, '');
      consumed = clean.length;
      node = autolink ? marked(clean, { type: 'link', attrs: { href: clean } }) : { type: 'text', text: clean };
    }
    pushText(out, text.slice(last, start));
    pushNode(out, node);
    last = start + consumed;
  }
  pushText(out, text.slice(last));
  return out;
}

function marked(text: string, mark: AdfMark): AdfNode {
  return { type: 'text', text, marks: [mark] };
}

function pushText(out: AdfNode[], text: string): void {
  if (text !== '') pushNode(out, { type: 'text', text });
}

/** Appends a node, merging plain text into a preceding plain text node. */
function pushNode(out: AdfNode[], node: AdfNode): void {
  const previous = out[out.length - 1];
  if (node.marks === undefined && node.type === 'text' && previous?.type === 'text' && previous.marks === undefined) {
    previous.text = `${previous.text ?? ''}${node.text ?? ''}`;
    return;
  }
  out.push(node);
}

function blockText(node: unknown): string {
  if (node === null || typeof node !== 'object') return '';
  const n = node as AdfNode;
  const children = Array.isArray(n.content) ? n.content : [];
  switch (n.type) {
    case 'doc':
    case 'blockquote':
    case 'panel':
      return children.map(blockText).join('\n\n');
    case 'bulletList':
      return children.map((item) => `- ${blockText(item)}`).join('\n');
    case 'orderedList': {
      const start = typeof n.attrs?.['order'] === 'number' ? n.attrs['order'] : 1;
      return children.map((item, index) => `${start + index}. ${blockText(item)}`).join('\n');
    }
    case 'listItem':
      return children.map(blockText).join('\n');
    case 'codeBlock':
      return children.map(inlineText).join('');
    default:
      return children.map(inlineText).join('');
  }
}

function inlineText(node: AdfNode): string {
  switch (node.type) {
    case 'text':
      return node.text ?? '';
    case 'hardBreak':
      return '\n';
    case 'mention':
      return String(node.attrs?.['text'] ?? '');
    case 'emoji':
      return String(node.attrs?.['text'] ?? node.attrs?.['shortName'] ?? '');
    case 'inlineCard':
      return String(node.attrs?.['url'] ?? '');
    default:
      return blockText(node);
  }
}
