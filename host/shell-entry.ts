/**
 * What the desktop shell (electron/) takes from the host, and nothing else (DESIGN.md §2): the
 * host process's start and report messages, the editor's static-file rules and CSP (the app://
 * protocol serves the same files as the web server), and the vault key file the shell protects.
 */
export type { HostReport, InitMessage } from './electron-host.ts';
export { cacheControlOf, CONTENT_SECURITY_POLICY, contentTypeOf, pickStaticFile } from './server/static-files.ts';
export { KEY_BYTES, KEY_FILE_NAME, keyFileProvider, type KeyProtection, type KeyProvider } from './vault/key-provider.ts';
