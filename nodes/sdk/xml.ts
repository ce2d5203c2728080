/**
 * A small XML reader and writer for the XML APIs connectors call (PAN-OS, AWS EC2). It reads elements, attributes, text, CDATA
 * and the five predefined entities plus character references; it refuses DTDs (`<!DOCTYPE`,
 * `<!ENTITY`), so no entity is ever expanded, and it bounds nesting depth.
 */

/** One element: its name, attributes, child elements and its own (direct) text. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** The document is not XML this reader accepts. */
export class XmlError extends Error {
  override name = 'XmlError';
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const MAX_DEPTH = 256;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the predefined entities and character references; anything else is left as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[ref] ?? whole;
  });
}

/** Escapes text for an XML text node or a quoted attribute value. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

/** Builds `<name a="…">children</name>`; children are already-built XML, attribute values are escaped. */
export function xmlElement(name: string, children: string | readonly string[] = '', attributes: Record<string, string> = {}): string {
  const attrs = Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join('');
  const inner = typeof children === 'string' ? children : children.join('');
  return `<${name}${attrs}>${inner}</${name}>`;
}

/** `<name>text</name>` with the text escaped. */
export function xmlText(name: string, text: string): string {
  return xmlElement(name, escapeXml(text));
}

interface OpenTag {
  element: XmlElement;
  end: number;
  selfClosing: boolean;
}

function readOpenTag(source: string, start: number): OpenTag {
  const name = NAME.exec(source.slice(start + 1, start + 200))?.[0];
  if (name === undefined) throw new XmlError(`malformed tag at ${start}`);
  const element: XmlElement = { name, attributes: {}, children: [], text: '' };
  let i = start + 1 + name.length;
  for (;;) {
    while (/\s/.test(source[i] ?? '')) i++;
    if (source.startsWith('/>', i)) return { element, end: i + 2, selfClosing: true };
    if (source[i] === '>') return { element, end: i + 1, selfClosing: false };
    const attr = NAME.exec(source.slice(i, i + 200))?.[0];
    if (attr === undefined) throw new XmlError(`malformed attribute in <${name}> at ${i}`);
    i += attr.length;
    while (/\s/.test(source[i] ?? '')) i++;
    if (source[i] !== '=') throw new XmlError(`attribute ${attr} of <${name}> has no value`);
    i++;
    while (/\s/.test(source[i] ?? '')) i++;
    const quote = source[i];
    if (quote !== '"' && quote !== "'") throw new XmlError(`attribute ${attr} of <${name}> is not quoted`);
    const close = source.indexOf(quote, i + 1);
    if (close < 0) throw new XmlError(`attribute ${attr} of <${name}> is not closed`);
    const value = source.slice(i + 1, close);
    if (value.includes('<')) throw new XmlError(`attribute ${attr} of <${name}> contains <`);
    element.attributes[attr] = decodeEntities(value);
    i = close + 1;
  }
}

function skipPast(source: string, from: number, marker: string, what: string): number {
  const end = source.indexOf(marker, from);
  if (end < 0) throw new XmlError(`unterminated ${what}`);
  return end + marker.length;
}

/** Parses a document with one root element. Throws XmlError on anything malformed or on a DTD. */
export function parseXml(source: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  const addText = (text: string) => {
    const top = stack[stack.length - 1];
    if (top !== undefined) top.text += text;
    else if (text.trim() !== '') throw new XmlError('text outside the root element');
  };
  const place = (element: XmlElement) => {
    const top = stack[stack.length - 1];
    if (top !== undefined) top.children.push(element);
    else if (root !== undefined) throw new XmlError('more than one root element');
    else root = element;
  };
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    if (lt < 0) {
      addText(decodeEntities(source.slice(i)));
      break;
    }
    if (lt > i) addText(decodeEntities(source.slice(i, lt)));
    if (source.startsWith('<!--', lt)) i = skipPast(source, lt + 4, '-->', 'comment');
    else if (source.startsWith('<![CDATA[', lt)) {
      const end = skipPast(source, lt + 9, ']]>', 'CDATA section');
      if (stack.length === 0) throw new XmlError('CDATA outside the root element');
      addText(source.slice(lt + 9, end - 3));
      i = end;
    } else if (source.startsWith('<!', lt)) throw new XmlError('DTDs and entity declarations are refused');
    else if (source.startsWith('<?', lt)) i = skipPast(source, lt + 2, '?>', 'processing instruction');
    else if (source.startsWith('</', lt)) {
      const end = skipPast(source, lt + 2, '>', 'closing tag');
      const name = source.slice(lt + 2, end - 1).trim();
      const open = stack.pop();
      if (open?.name !== name) throw new XmlError(`</${name}> does not close <${open?.name ?? 'nothing'}>`);
      i = end;
    } else {
      const tag = readOpenTag(source, lt);
      place(tag.element);
      if (!tag.selfClosing) {
        if (stack.length >= MAX_DEPTH) throw new XmlError(`nesting deeper than ${MAX_DEPTH}`);
        stack.push(tag.element);
      }
      i = tag.end;
    }
  }
  if (stack.length > 0) throw new XmlError(`<${stack[stack.length - 1]?.name}> is not closed`);
  if (root === undefined) throw new XmlError('no root element');
  return root;
}

/** The first child with this name. */
export function childOf(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

/** The element at a slash-separated path of child names (`result/job`), starting below `element`. */
export function find(element: XmlElement | undefined, path: string): XmlElement | undefined {
  return path.split('/').reduce<XmlElement | undefined>((node, name) => childOf(node, name), element);
}

/** Every element at a path whose last step may match several children (`result/static/member`). */
export function findAll(element: XmlElement | undefined, path: string): XmlElement[] {
  const steps = path.split('/');
  const last = steps.pop() ?? '';
  const parent = steps.length === 0 ? element : find(element, steps.join('/'));
  return parent?.children.filter((c) => c.name === last) ?? [];
}

/** An element's text and its descendants' text, trimmed (what PAN-OS messages spread over `<line>`s). */
export function textOf(element: XmlElement | undefined): string {
  if (element === undefined) return '';
  return [element.text, ...element.children.map(textOf)].map((t) => t.trim()).filter((t) => t !== '').join(' ');
}
