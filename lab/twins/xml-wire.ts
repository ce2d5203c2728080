/**
 * The XML the PAN-OS and AWS twins read and write, written for the twins from the XML spec
 * rather than taken from the connectors' parser (nodes/sdk/xml.ts): a twin that shared the
 * connector's parser could not catch that parser's mistakes. Elements, attributes, text, CDATA,
 * comments and the prolog; a DOCTYPE is refused (no entity expansion, as the vendors refuse it).
 */

export interface WireElement {
  name: string;
  attributes: Record<string, string>;
  children: WireElement[];
  /** The element's own text (entities decoded), its children's text not included. */
  text: string;
}

export class WireXmlError extends Error {}

/** Deeper nesting than any vendor request has is refused, so a hostile body cannot exhaust the stack. */
const MAX_DEPTH = 64;

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    const named = NAMED[entity];
    if (named === undefined) throw new WireXmlError(`unknown entity ${whole}`);
    return named;
  });
}

/** Text safe inside an element or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&${Object.keys(NAMED).find((k) => NAMED[k] === c)};`);
}

/** One token of the document: a tag, a piece of text, or something skipped. */
const TOKEN = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|</g;
const ATTRIBUTE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Parses one XML document into its root element; throws WireXmlError saying what is wrong. */
export function parseXml(source: string): WireElement {
  const stack: WireElement[] = [];
  let root: WireElement | undefined;
  for (const match of source.matchAll(TOKEN)) {
    const [whole, cdata, closing, name, attributeText, selfClosing, text] = match;
    const open = stack.at(-1);
    if (whole === '<!DOCTYPE') throw new WireXmlError('a DOCTYPE is not accepted');
    if (whole === '<') throw new WireXmlError(`a stray "<" at ${match.index}`);
    if (cdata !== undefined || text !== undefined) {
      const content = cdata ?? decode(text ?? '');
      if (open) open.text += content;
      else if (content.trim() !== '') throw new WireXmlError('text outside the root element');
      continue;
    }
    if (name === undefined) continue;
    if (closing === '/') {
      if (open?.name !== name) throw new WireXmlError(`</${name}> does not close ${open ? `<${open.name}>` : 'anything'}`);
      stack.pop();
      continue;
    }
    const element: WireElement = { name, attributes: {}, children: [], text: '' };
    for (const attribute of (attributeText ?? '').matchAll(ATTRIBUTE)) element.attributes[attribute[1]!] = decode(attribute[2] ?? attribute[3] ?? '');
    if (open) open.children.push(element);
    else if (root) throw new WireXmlError('more than one root element');
    else root = element;
    if (selfClosing === '/') continue;
    if (stack.length >= MAX_DEPTH) throw new WireXmlError(`nesting deeper than ${MAX_DEPTH}`);
    stack.push(element);
  }
  if (stack.length > 0) throw new WireXmlError(`<${stack.at(-1)!.name}> is never closed`);
  if (!root) throw new WireXmlError('no element');
  return root;
}

/** The first element along a slash-separated path of child names. */
export function find(element: WireElement | undefined, path: string): WireElement | undefined {
  return findAll(element, path)[0];
}

/** Every element along a slash-separated path of child names. */
export function findAll(element: WireElement | undefined, path: string): WireElement[] {
  let level = element ? [element] : [];
  for (const name of path.split('/')) level = level.flatMap((parent) => parent.children.filter((child) => child.name === name));
  return level;
}

/** An element's trimmed text, or '' for none. */
export function textOf(element: WireElement | undefined): string {
  return element?.text.trim() ?? '';
}
