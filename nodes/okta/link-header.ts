/**
 * The targets of an RFC 8288 `Link` header by relation: Okta pages with
 * `<https://org/api/v1/users?after=…&limit=200>; rel="next"` (one header value per link, or comma-joined).
 */
export function parseLinkHeader(header: string | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  if (header === undefined || header.trim() === '') return links;
  for (const part of header.split(/,\s*(?=<)/)) {
    const target = /^\s*<([^>]*)>/.exec(part)?.[1];
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(part)?.[1];
    if (target === undefined || rel === undefined) continue;
    for (const name of rel.trim().split(/\s+/)) links[name.toLowerCase()] ??= target;
  }
  return links;
}
