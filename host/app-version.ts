import fs from 'node:fs';

/** The version in package.json, read on demand: `switchboard --version` must not load the host. */
export function appVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
