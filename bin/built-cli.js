// Loads the built CLI (dist/cli/main.cjs) with the V8 code cache its build wrote. Plain
// JavaScript: it must start without any compiler.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** The bundle `npm run build:cli` writes: one CommonJS file, so V8 can take a code cache for it. */
export const BUNDLE = 'main.cjs';
/** The bundle's code cache: the SHA-256 of the bundle it was made for, then V8's data. */
export const CODE_CACHE = 'main.code-cache';
const DIGEST_BYTES = 32;

/**
 * @typedef {'used' | 'rejected' | 'absent'} CacheUse
 * `rejected`: V8 refused it (another Node version or other V8 flags); `absent`: no cache, or
 * one made for other sources. Either way the bundle compiles as usual, only slower.
 */

/**
 * Runs the bundle's top level and returns its exports. With the code cache, V8 skips compiling
 * the bundle and the functions a `validate` runs: about a quarter of a cold start, which Node 22's
 * `module.enableCompileCache` would save and Node 20 cannot.
 * @param {string} dir the bundle's folder
 * @returns {{ exports: Record<string, unknown>, script: vm.Script, cache: CacheUse, source: Buffer }}
 */
export function loadBuiltCli(dir) {
  const file = path.join(dir, BUNDLE);
  const source = fs.readFileSync(file);
  const cachedData = cacheFor(dir, source);
  // The build writes ASCII code (esbuild's `charset: 'ascii'`; only comments keep other bytes),
  // and decoding it as Latin-1 is several times faster than as UTF-8.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source.toString('latin1')}\n})`, {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dir);
  const cache = cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'used';
  return { exports: module.exports, script, cache, source };
}

/**
 * Writes the bundle's code cache after running `argv` through it (the build trains it on
 * `validate` of the shipped playbooks), so the cache holds what that command compiled. Output
 * goes nowhere; returns the command's exit code.
 * @param {string} dir the bundle's folder
 * @param {readonly string[]} argv the command line to train on
 * @param {string} cwd where the command runs
 * @returns {Promise<number>}
 */
export async function writeCodeCache(dir, argv, cwd) {
  const { exports, script, source } = loadBuiltCli(dir);
  const main = /** @type {(argv: readonly string[], io: unknown) => Promise<number>} */ (exports.main);
  const code = await main(argv, silentIo(cwd));
  fs.writeFileSync(path.join(dir, CODE_CACHE), Buffer.concat([digest(source), script.createCachedData()]));
  return code;
}

/**
 * What a command run in-process for its side effects gets as its io: output goes nowhere, and
 * there is no stdin (no command run this way reads it).
 * @param {string} cwd where the command runs
 */
export function silentIo(cwd) {
  const sink = { write: () => true };
  return { stdout: sink, stderr: sink, stdin: undefined, isTTY: false, cwd, env: process.env, signal: new AbortController().signal };
}

/** The cache's V8 data when it was made for this very bundle (V8 itself checks only the length). */
function cacheFor(dir, source) {
  let cache;
  try {
    cache = fs.readFileSync(path.join(dir, CODE_CACHE));
  } catch {
    return undefined;
  }
  if (cache.length <= DIGEST_BYTES || !cache.subarray(0, DIGEST_BYTES).equals(digest(source))) return undefined;
  return cache.subarray(DIGEST_BYTES);
}

function digest(source) {
  return crypto.createHash('sha256').update(source).digest();
}
