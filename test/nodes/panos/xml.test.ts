import { describe, expect, it } from 'vitest';
import { decodeEntities, escapeXml, find, findAll, parseXml, textOf, xmlElement, XmlError } from '../../../nodes/panos/xml.ts';

describe('parseXml', () => {
  it('reads elements, attributes, text and self-closing tags', () => {
    const root = parseXml('<?xml version="1.0"?>\n<response status="success" code="19"><result total-count="0" count="0"/><msg><line>a</line><line>b</line></msg></response>');
    expect(root.name).toBe('response');
    expect(root.attributes).toEqual({ status: 'success', code: '19' });
    expect(find(root, 'result')?.attributes['count']).toBe('0');
    expect(findAll(root, 'msg/line').map(textOf)).toEqual(['a', 'b']);
    expect(textOf(find(root, 'msg'))).toBe('a b');
  });

  it('decodes the predefined entities and character references, and CDATA as is', () => {
    const root = parseXml(`<m a='x &gt; y'>&lt;tag&gt; &amp; &#65;&#x42; <![CDATA[<raw & text>]]></m>`);
    expect(root.attributes['a']).toBe('x > y');
    expect(root.text).toBe('<tag> & AB <raw & text>');
  });

  it('never expands other entities and refuses DTDs', () => {
    expect(parseXml('<a>&xxe;</a>').text).toBe('&xxe;');
    expect(() => parseXml('<!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><a>&xxe;</a>')).toThrow(XmlError);
    expect(() => parseXml('<a><!ENTITY b "c"></a>')).toThrow(/refused/);
  });

  it('keeps > inside quoted attribute values', () => {
    expect(parseXml('<entry ip="1.2.3.4" message="a > b"/>').attributes).toEqual({ ip: '1.2.3.4', message: 'a > b' });
  });

  it('refuses malformed documents', () => {
    for (const bad of ['', 'text', '<a>', '<a></b>', '<a/><b/>', '<a b=c/>', '<a b="1"', '<a><!-- x</a>', 'x<a/>']) {
      expect(() => parseXml(bad), bad).toThrow(XmlError);
    }
  });

  it('bounds the nesting depth', () => {
    expect(() => parseXml('<a>'.repeat(300) + '</a>'.repeat(300))).toThrow(/deeper/);
  });
});

describe('building XML', () => {
  it('escapes text and attribute values so they read back unchanged', () => {
    const text = `<x> & "q" 'a'`;
    const built = xmlElement('e', escapeXml(text), { v: text });
    const root = parseXml(built);
    expect(root.text).toBe(text);
    expect(root.attributes['v']).toBe(text);
    expect(decodeEntities(escapeXml(text))).toBe(text);
  });
});
