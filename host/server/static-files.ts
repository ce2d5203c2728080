import fs from 'node:fs';
import path from 'node:path';

/** The page's Content-Security-Policy: only our own scripts, no plugins, no framing, sockets to loopback. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://127.0.0.1:*; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The opener and embedder policies that together make a page cross-origin isolated: no other
 * origin's window or resource shares its process (Spectre-style reads), and, as a side effect, its
 * clock ticks at 5 µs instead of 100 µs, so frame times are measured to the vsync rather than
 * rounded past it.
 */
export const CROSS_ORIGIN_ISOLATION: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Headers every response carries. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  ...CROSS_ORIGIN_ISOLATION,
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** The Content-Type of a file by its extension; unknown ones are served as opaque bytes. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` a URL path names, or undefined when it escapes `root`, holds NUL or a
 * bad escape. `/` is `index.html`.
 */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const resolved = path.resolve(root, relative);
  const base = path.resolve(root);
  if (resolved !== base && !resolved.startsWith(base + path.sep)) return undefined;
  return resolved;
}

/**
 * What to serve for a GET: the file if it exists; the app's index.html for extensionless paths
 * (client-side routes); undefined (404) otherwise.
 */
export function pickStaticFile(root: string, urlPath: string): string | undefined {
  const resolved = resolveStaticPath(root, urlPath);
  if (resolved === undefined) return undefined;
  if (isFile(resolved)) return resolved;
  if (path.extname(resolved) === '') {
    const index = path.join(root, 'index.html');
    return isFile(index) ? index : undefined;
  }
  return undefined;
}

/** Cache policy: the page is never cached (it carries the CSP); hashed assets forever. */
export function cacheControlOf(file: string): string {
  if (path.basename(file) === 'index.html') return 'no-store';
  return /[.-][A-Za-z0-9_-]{8,}\.(js|css|woff2?|svg|png)$/.test(path.basename(file)) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
