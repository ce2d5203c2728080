/**
 * `switchboard serve` for the browser tests: the CLI's own serve command, with the renderer
 * taken from the snapshot the test run made of dist/renderer (its `rendererDir` seam), so a
 * `vite build` elsewhere while the tests run cannot pull the editor from under them. The canvas
 * benchmarks (bench/canvas-env.ts) serve their own fresh build through it the same way.
 *
 *   node --import tsx test/e2e/serve.ts <renderer dir> [serve options]
 */
import { serveCommand } from '../../host/cli/commands/serve.ts';
import type { CliIo } from '../../host/cli/io.ts';

const [rendererDir, ...argv] = process.argv.slice(2);
if (rendererDir === undefined) {
  process.stderr.write('usage: node --import tsx test/e2e/serve.ts <renderer dir> [serve options]\n');
  process.exit(2);
}
const controller = new AbortController();
process.on('SIGINT', () => controller.abort());
const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  isTTY: false,
  cwd: process.cwd(),
  env: process.env,
  signal: controller.signal,
};
try {
  const code = await serveCommand(argv, io, {
    rendererDir,
    buildRenderer: () => Promise.reject(new Error(`${rendererDir} has no index.html: the browser tests serve the snapshot of dist/renderer.`)),
  });
  process.exitCode = code;
} catch (error) {
  process.stderr.write(`switchboard serve: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
