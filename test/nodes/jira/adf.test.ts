import { describe, expect, it } from 'vitest';
import { adfDocSchema, adfToText, inline, textToAdf, toAdf } from '../../../nodes/jira/adf.ts';
import type { AdfNode } from '../../../nodes/jira/adf.ts';

const text = (value: string): AdfNode => ({ type: 'text', text: value });
const paragraph = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });

/** Every text node non-empty and every node typed: what Jira's ADF validator insists on. */
function assertValidAdf(node: AdfNode): void {
  expect(typeof node.type).toBe('string');
  if (node.type === 'text') expect(node.text).not.toBe('');
  for (const child of node.content ?? []) assertValidAdf(child);
}

describe('textToAdf', () => {
  it('turns plain text into one paragraph, and blank lines into paragraph breaks', () => {
    expect(textToAdf('Host contained.')).toEqual({ type: 'doc', version: 1, content: [paragraph(text('Host contained.'))] });
    expect(textToAdf('First.\n\n\nSecond.').content).toEqual([paragraph(text('First.')), paragraph(text('Second.'))]);
  });

  it('keeps single line breaks inside a paragraph as hardBreaks (CRLF too)', () => {
    expect(textToAdf('line one\r\nline two').content).toEqual([paragraph(text('line one'), { type: 'hardBreak' }, text('line two'))]);
  });

  it('gives an empty doc for empty or blank text', () => {
    expect(textToAdf('')).toEqual({ type: 'doc', version: 1, content: [] });
    expect(textToAdf(' \n\t\n').content).toEqual([]);
  });

  it('builds bullet lists from -, * and + lines', () => {
    expect(textToAdf('- one\n* two\n+ three').content).toEqual([
      {
        type: 'bulletList',
        content: ['one', 'two', 'three'].map((item) => ({ type: 'listItem', content: [paragraph(text(item))] })),
      },
    ]);
  });

  it('builds ordered lists, keeping a start other than 1', () => {
    const [list] = textToAdf('3. third\n4) fourth').content;
    expect(list).toMatchObject({ type: 'orderedList', attrs: { order: 3 } });
    expect(list?.content).toHaveLength(2);
    expect(textToAdf('1. first').content[0]?.attrs).toBeUndefined();
  });

  it('separates a paragraph from the list right after it', () => {
    expect(textToAdf('Indicators:\n- 185.220.101.45').content.map((n) => n.type)).toEqual(['paragraph', 'bulletList']);
  });

  it('builds fenced code blocks verbatim, with the language when given', () => {
    const doc = textToAdf('```json\n{"ip": "185.220.101.45"}\n  - not a list\n```\nafter');
    expect(doc.content).toEqual([
      { type: 'codeBlock', attrs: { language: 'json' }, content: [text('{"ip": "185.220.101.45"}\n  - not a list')] },
      paragraph(text('after')),
    ]);
  });

  it('closes an unterminated fence at the end, and leaves an empty block without text', () => {
    expect(textToAdf('```\nunterminated').content).toEqual([{ type: 'codeBlock', content: [text('unterminated')] }]);
    expect(textToAdf('```\n```').content).toEqual([{ type: 'codeBlock' }]);
  });

  it('builds headings from # lines', () => {
    expect(textToAdf('## Verdict\nmalicious').content).toEqual([
      { type: 'heading', attrs: { level: 2 }, content: [text('Verdict')] },
      paragraph(text('malicious')),
    ]);
  });

  it('produces only valid ADF for a mixed document', () => {
    const doc = textToAdf('# T\n\n- [a](https://a.example) `b`\n\n```\n\n```\n**x** http://y.example.');
    for (const node of doc.content) assertValidAdf(node);
  });
});

describe('inline marks', () => {
  it('links bare URLs, leaving trailing punctuation outside the link', () => {
    expect(inline('See https://www.wikipedia.org/.')).toEqual([
      text('See '),
      { type: 'text', text: 'https://www.wikipedia.org/', marks: [{ type: 'link', attrs: { href: 'https://www.wikipedia.org/' } }] },
      text('.'),
    ]);
  });

  it('leaves bare URLs as plain text with autolink off', () => {
    expect(inline('lure http://paypa1-secure.com/login/verify', { autolink: false })).toEqual([text('lure http://paypa1-secure.com/login/verify')]);
  });

  it('turns [label](url) into a link, but never a javascript: one', () => {
    expect(inline('[advisory](https://security.paloaltonetworks.com/CVE-2024-3400)')).toEqual([
      { type: 'text', text: 'advisory', marks: [{ type: 'link', attrs: { href: 'https://security.paloaltonetworks.com/CVE-2024-3400' } }] },
    ]);
    expect(inline('[click](javascript:alert(1))')).toEqual([text('[click](javascript:alert(1))')]);
  });

  it('marks `code` and **bold**', () => {
    expect(inline('run `whoami` **now**')).toEqual([
      text('run '),
      { type: 'text', text: 'whoami', marks: [{ type: 'code' }] },
      text(' '),
      { type: 'text', text: 'now', marks: [{ type: 'strong' }] },
    ]);
  });

  it('does not link a URL inside inline code', () => {
    expect(inline('`http://x.example`')).toEqual([{ type: 'text', text: 'http://x.example', marks: [{ type: 'code' }] }]);
  });
});

describe('toAdf and adfToText', () => {
  it('passes a raw ADF doc through untouched', () => {
    const doc = { type: 'doc' as const, version: 1 as const, content: [{ type: 'rule' }] };
    expect(toAdf(doc)).toBe(doc);
    expect(adfDocSchema.safeParse(doc).success).toBe(true);
    expect(adfDocSchema.safeParse({ type: 'doc', content: [] }).success).toBe(false);
  });

  it('reads text back from the ADF it builds', () => {
    const source = '# Verdict\n\nMalicious: see https://x.example\n\n- one\n- two\n\n2. a\n3. b\n\n```\ncode\n```';
    expect(adfToText(textToAdf(source))).toBe('Verdict\n\nMalicious: see https://x.example\n\n- one\n- two\n\n2. a\n3. b\n\ncode');
  });

  it('reads mentions, emoji and hard breaks, and ignores what it cannot read', () => {
    const doc = {
      type: 'doc',
      version: 1,
      content: [paragraph({ type: 'mention', attrs: { text: '@Alice' } }, { type: 'hardBreak' }, { type: 'emoji', attrs: { shortName: ':warning:' } })],
    };
    expect(adfToText(doc)).toBe('@Alice\n:warning:');
    expect(adfToText(null)).toBe('');
    expect(adfToText('text')).toBe('');
  });
});
