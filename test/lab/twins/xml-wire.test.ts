import { describe, expect, it } from 'vitest';
import { escapeXml, find, findAll, parseXml, textOf, WireXmlError } from '../../../lab/twins/xml-wire.ts';

describe("the twins' own XML reader", () => {
  it('reads a PAN-OS set request: nested elements, attributes, members', () => {
    const root = parseXml(`<?xml version="1.0"?><entry name="blk-203.0.113.9"><ip-netmask>203.0.113.9</ip-netmask><tag><member>switchboard</member><member>a &amp; b</member></tag></entry>`);
    expect(root.name).toBe('entry');
    expect(root.attributes).toEqual({ name: 'blk-203.0.113.9' });
    expect(textOf(find(root, 'ip-netmask'))).toBe('203.0.113.9');
    expect(findAll(root, 'tag/member').map(textOf)).toEqual(['switchboard', 'a & b']);
  });

  it('keeps CDATA as it is, skips comments, and decodes numeric entities', () => {
    const root = parseXml(`<a><!-- note --><b><![CDATA[<not a tag>]]></b><c>&#65;&#x42;</c></a>`);
    expect(textOf(find(root, 'b'))).toBe('<not a tag>');
    expect(textOf(find(root, 'c'))).toBe('AB');
  });

  it('refuses what is not one well-formed document, saying why', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(/does not close <b>/);
    expect(() => parseXml('<a>')).toThrow(/never closed/);
    expect(() => parseXml('<a/><b/>')).toThrow(/more than one root/);
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY e "boom">]><a>&e;</a>')).toThrow(WireXmlError);
    expect(() => parseXml('<a>&e;</a>')).toThrow(/unknown entity/);
    expect(() => parseXml('<a x=1></a>')).toThrow(/stray/);
    expect(() => parseXml('text')).toThrow(/outside the root/);
    expect(() => parseXml(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`)).toThrow(/nesting deeper/);
  });

  it('escapes the five special characters for text and attributes', () => {
    expect(escapeXml(`<"a" & 'b'>`)).toBe('&lt;&quot;a&quot; &amp; &apos;b&apos;&gt;');
    expect(textOf(parseXml(`<x>${escapeXml(`<"a" & 'b'>`)}</x>`))).toBe(`<"a" & 'b'>`);
  });
});
