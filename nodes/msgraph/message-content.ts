import { createHash } from 'node:crypto';

/** A Graph attachment as `$expand=attachments` or `/attachments` returns it. */
export interface GraphAttachment {
  '@odata.type'?: string;
  id?: string;
  name?: string;
  contentType?: string | null;
  size?: number;
  isInline?: boolean;
  lastModifiedDateTime?: string;
  contentId?: string | null;
  /** Base64 content; only file attachments carry it. */
  contentBytes?: string;
}

/** What a playbook needs of an attachment: Graph's metadata plus the hashes threat intel looks up. */
export interface AttachmentSummary {
  '@odata.type': string | null;
  id: string | null;
  name: string | null;
  contentType: string | null;
  size: number | null;
  isInline: boolean;
  /** Hex digests of the decoded content bytes; null for item and reference attachments (no bytes). */
  sha256: string | null;
  sha1: string | null;
  md5: string | null;
  contentBytes?: string;
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Decodes the HTML entities that appear inside href attributes and text (`&amp;`, `&#x2F;`, `&#47;`). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;
const BARE_URL = /\bhttps?:\/\/[^\s"'<>]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

/**
 * Every http(s) URL of a message body, in order of appearance and without duplicates: link targets
 * (`href`) first, then URLs written out in the text. Works on HTML and plain-text bodies.
 */
export function extractUrls(body: string): string[] {
  const found: string[] = [];
  for (const match of body.matchAll(HREF)) found.push(decodeEntities((match[1] ?? match[2] ?? match[3] ?? '').trim()));
  const text = decodeEntities(body.replace(HREF, ' '));
  for (const match of text.matchAll(BARE_URL)) found.push(match[0].replace(TRAILING_PUNCTUATION, ''));
  const urls = found.filter((url) => /^https?:\/\/[^/\s]+/i.test(url));
  return [...new Set(urls)];
}

/** Hex sha256, sha1 and md5 of base64 content. */
export function digestsOf(contentBytes: string): { sha256: string; sha1: string; md5: string } {
  const bytes = Buffer.from(contentBytes, 'base64');
  const hex = (algorithm: string) => createHash(algorithm).update(bytes).digest('hex');
  return { sha256: hex('sha256'), sha1: hex('sha1'), md5: hex('md5') };
}

/** Shapes one attachment; the base64 content is kept only when asked for (it can be megabytes). */
export function summariseAttachment(attachment: GraphAttachment, includeContentBytes: boolean): AttachmentSummary {
  const bytes = typeof attachment.contentBytes === 'string' ? attachment.contentBytes : undefined;
  const digests = bytes === undefined ? { sha256: null, sha1: null, md5: null } : digestsOf(bytes);
  return {
    '@odata.type': attachment['@odata.type'] ?? null,
    id: attachment.id ?? null,
    name: attachment.name ?? null,
    contentType: attachment.contentType ?? null,
    size: typeof attachment.size === 'number' ? attachment.size : null,
    isInline: attachment.isInline === true,
    ...digests,
    ...(includeContentBytes && bytes !== undefined ? { contentBytes: bytes } : {}),
  };
}
