import { serveCommand } from '../host/cli/commands/serve.ts';

/**
 * `node --import tsx bench/canvas-host.ts <rendererDir> [serve options]`: `switchboard serve`
 * itself (same command, same server), but serving the renderer the canvas benchmarks just built
 * into a temporary folder through serve's `rendererDir` seam, so a benchmark run neither measures
 * a stale dist/renderer nor overwrites the one other tools are using. Stops on SIGTERM or SIGINT.
 */
const [rendererDir, ...serveArgs] = process.argv.slice(2);
if (rendererDir === undefined) {
  process.stderr.write('usage: node --import tsx bench/canvas-host.ts <rendererDir> [serve options]\n');
  process.exit(2);
}
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
const code = await serveCommand(
  serveArgs,
  { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, isTTY: false, cwd: process.cwd(), env: process.env, signal: stop.signal },
  { rendererDir },
);
process.exit(code);
