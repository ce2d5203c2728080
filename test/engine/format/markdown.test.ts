import { describe, expect, it } from 'vitest';
import { MARKDOWN_TAGS, escapeHtml, renderInline, renderMarkdown, reportHtmlDocument, safeHref } from '../../../engine/format/markdown.ts';

/**
 * Every tag in the output is one the renderer makes, with only the attributes it makes: `href`
 * (http/https), `rel`, `target` on links and `start` on ordered lists. Text never holds a raw `<`.
 */
function expectOnlyOwnTags(html: string): void {
  const tags = html.match(/<[^>]*>/g) ?? [];
  for (const tag of tags) {
    const m = /^<\/?([a-z0-9]+)((?: [a-z]+="[^"<>]*")*)>$/.exec(tag);
    expect(m, `unexpected tag ${tag}`).not.toBeNull();
    expect(MARKDOWN_TAGS as readonly string[]).toContain(m![1]);
    const attributes = [...m![2]!.matchAll(/ ([a-z]+)="([^"]*)"/g)];
    for (const [, name, value] of attributes) {
      if (m![1] === 'a') {
        expect(['href', 'rel', 'target']).toContain(name);
        if (name === 'href') expect(value).toMatch(/^https?:\/\//);
      } else {
        expect([m![1], name]).toEqual(['ol', 'start']);
        expect(value).toMatch(/^\d+$/);
      }
    }
  }
  const text = html.replace(/<[^>]*>/g, '');
  expect(text).not.toMatch(/[<>]/);
  expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|#39);)/);
}

describe('renderMarkdown', () => {
  it('renders headings, paragraphs, emphasis, inline code and rules', () => {
    const html = renderMarkdown('# Title\n\n## Host *WS-01*\n\nSome **bold**, _italic_, ~~gone~~ and `code <b>`.\nSecond line.\n\n---\n###### six ##');
    expect(html).toBe(
      '<h1>Title</h1>\n<h2>Host <em>WS-01</em></h2>\n<p>Some <strong>bold</strong>, <em>italic</em>, <del>gone</del> and <code>code &lt;b&gt;</code>.\nSecond line.</p>\n<hr>\n<h6>six</h6>',
    );
    expectOnlyOwnTags(html);
  });

  it('renders nested emphasis and leaves unmatched or intra-word markers as text', () => {
    expect(renderInline('**bold _and italic_**')).toBe('<strong>bold <em>and italic</em></strong>');
    expect(renderInline('*a **b** c*')).toBe('<em>a <strong>b</strong> c</em>');
    expect(renderInline('snake_case_name and 2 * 3 * 4')).toBe('snake_case_name and 2 * 3 * 4');
    expect(renderInline('**unclosed')).toBe('**unclosed');
    expect(renderInline('\\*not em\\*')).toBe('*not em*');
  });

  it('renders fenced and indented code blocks escaped, not parsed', () => {
    const html = renderMarkdown('```json\n{"a": "<script>alert(1)</script>"}\n**x**\n```\n\n    indented <i>\n    two');
    expect(html).toBe('<pre><code>{&quot;a&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;}\n**x**</code></pre>\n<pre><code>indented &lt;i&gt;\ntwo</code></pre>');
    expectOnlyOwnTags(html);
    expect(renderMarkdown('~~~\nunclosed <x>')).toBe('<pre><code>unclosed &lt;x&gt;</code></pre>');
  });

  it('renders bulleted, numbered and nested lists', () => {
    expect(renderMarkdown('- one\n- two\n  - two.a\n  - two.b\n- three')).toBe(
      '<ul>\n<li>one</li>\n<li>two\n<ul>\n<li>two.a</li>\n<li>two.b</li>\n</ul></li>\n<li>three</li>\n</ul>',
    );
    expect(renderMarkdown('3. c\n4. d')).toBe('<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>');
    expect(renderMarkdown('1. a\ncontinued')).toBe('<ol>\n<li>a\ncontinued</li>\n</ol>');
  });

  it('renders pipe tables, with pipes inside code and escaped pipes kept in the cell', () => {
    const html = renderMarkdown('| Verdict | Value |\n|---|:---:|\n| **malicious** | `a|b` |\n| clean | x \\| y |\n| short |');
    expect(html).toBe(
      '<table><thead><tr><th>Verdict</th><th>Value</th></tr></thead><tbody><tr><td><strong>malicious</strong></td><td><code>a|b</code></td></tr><tr><td>clean</td><td>x | y</td></tr><tr><td>short</td><td></td></tr></tbody></table>',
    );
  });

  it('renders block quotes', () => {
    expect(renderMarkdown('> quoted *text*\n> more')).toBe('<blockquote><p>quoted <em>text</em>\nmore</p></blockquote>');
  });

  it('links http and https targets only, with a safe href', () => {
    expect(renderInline('[case](https://thehive.example/cases/~1/details)')).toBe(
      '<a href="https://thehive.example/cases/~1/details" rel="noopener noreferrer nofollow" target="_blank">case</a>',
    );
    expect(renderInline('<http://a.example/x?y=1&z=2>')).toBe('<a href="http://a.example/x?y=1&amp;z=2" rel="noopener noreferrer nofollow" target="_blank">http://a.example/x?y=1&amp;z=2</a>');
    for (const target of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>x</script>', 'vbscript:x', 'file:///etc/passwd', '//evil.example', '/relative', ' javascript:alert(1)', 'java\nscript:x']) {
      const html = renderInline(`[x](${target})`);
      expect(html, target).not.toContain('<a');
      expectOnlyOwnTags(html);
    }
    expect(renderInline('<javascript:alert(1)>')).toBe('&lt;javascript:alert(1)&gt;');
  });

  it('keeps quotes in URLs inside the href (percent-encoded), never closing the attribute', () => {
    for (const target of ['https://a.example/"onmouseover="alert(1)', "https://a.example/'x'", 'https://a.example/?q="><script>alert(1)</script>', 'https://a.example/&quot;x']) {
      const html = renderInline(`[x](${target})`);
      expectOnlyOwnTags(html);
      const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
      for (const href of hrefs) expect(href).not.toMatch(/["'<>]/);
    }
    expect(safeHref('https://a.example/"x\'')).toBe('https://a.example/%22x%27');
    expect(safeHref('https://')).toBeUndefined();
  });

  it('never renders images', () => {
    const html = renderMarkdown('![logo](https://a.example/x.png) and ![x](javascript:alert(1))');
    expect(html).not.toContain('<img');
    expect(html).toContain('!<a href="https://a.example/x.png"');
    expectOnlyOwnTags(html);
  });

  it('escapes raw HTML and entities everywhere: text, headings, tables, lists, code, link labels', () => {
    const hostile = [
      '<script>alert(1)</script>',
      '# <img src=x onerror=alert(1)>',
      '- <iframe src="https://evil.example"></iframe>',
      '| <b>h</b> |\n|---|\n| <svg onload=alert(1)> |',
      '[<b>label</b>](https://a.example) [**x**](https://b.example)',
      '&lt;script&gt; &amp; &#x3C;script&#x3E; &#60;',
      '<!-- comment --> <![CDATA[ x ]]> <?php ?>',
      '`<code>` ``<x>`` ```<y>```',
      '<a href="javascript:alert(1)">x</a>',
      '> <style>body{}</style>',
      '*<i>*  **<b>**  ~~<s>~~',
      '<https://a.example/"><script>alert(1)</script>>',
    ];
    for (const input of hostile) {
      const html = renderMarkdown(input);
      expectOnlyOwnTags(html);
      expect(html, input).not.toMatch(/<(script|img|iframe|svg|style|b|i|s)[\s>]/i);
    }
    expect(renderInline('&lt; &amp;')).toBe('&amp;lt; &amp;amp;');
    expect(escapeHtml('<>&"\'')).toBe('&lt;&gt;&amp;&quot;&#39;');
  });

  it('survives random hostile input with only its own tags', () => {
    const alphabet = ['<', '>', '"', "'", '&', '*', '_', '~', '`', '[', ']', '(', ')', '|', '#', '-', '\\', '!', '\n', ' ', 'a', 'script', 'javascript:', 'https://x.example/', '>', '1.', '    ', '```'];
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 0; n < 500; n++) {
      let input = '';
      const length = Math.floor(random() * 60);
      for (let k = 0; k < length; k++) input += alphabet[Math.floor(random() * alphabet.length)];
      expectOnlyOwnTags(renderMarkdown(input));
    }
  });

  it('renders very long lines and pathological markers quickly', () => {
    const cases = ['a'.repeat(300_000), '['.repeat(100_000), '*a'.repeat(100_000), '`'.repeat(50_000) + 'x', '_'.repeat(100_000), '[a](' .repeat(50_000), '<'.repeat(100_000), '**'.repeat(50_000) + 'x', '~~a '.repeat(50_000), '- '.repeat(1) + '  - x\n'.repeat(2_000)];
    const started = Date.now();
    const outputs = cases.map((input) => renderMarkdown(input));
    expect(Date.now() - started, 'linear time, no quadratic rescans').toBeLessThan(5_000);
    for (const html of outputs) expect(html.replace(/<\/?(p|em|strong|del|code|pre|ul|li|hr|blockquote)>/g, '')).not.toMatch(/<|>/);
    const deep = '*'.repeat(0) + '['.repeat(1) + '**a '.repeat(40) + 'b' + '** '.repeat(40) + '](https://a.example)';
    expectOnlyOwnTags(renderMarkdown(deep));
    const quotes = '>'.repeat(1_000) + ' deep';
    expectOnlyOwnTags(renderMarkdown(quotes));
  });
});

describe('reportHtmlDocument', () => {
  it('is a standalone document with a strict CSP, the title escaped and the body rendered', () => {
    const doc = reportHtmlDocument('Report <script>', '# Host\n\n[case](https://a.example)');
    expect(doc).toMatch(/^<!doctype html>/);
    expect(doc).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'`);
    expect(doc).toContain('<title>Report &lt;script&gt;</title>');
    expect(doc).toContain('<h1>Host</h1>');
    expect(doc).not.toContain('<script');
  });
});
