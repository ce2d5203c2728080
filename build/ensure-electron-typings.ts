import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pinnedElectronVersion, ROOT } from './electron.ts';

/**
 * `npm run typings:electron`: makes sure node_modules/electron/electron.d.ts is there for the type
 * check, without running Electron's installer (no binary is downloaded). First the ordinary
 * `npm install --no-save --ignore-scripts electron@<pinned>`; npm leaves an optional dependency
 * out when its `engines` do not match (electron 45 asks for Node >= 22.12), so on older Node the
 * package is fetched with `npm pack` and unpacked in place instead.
 */

const target = path.join(ROOT, 'node_modules', 'electron');
const typings = path.join(target, 'electron.d.ts');
const spec = `electron@${pinnedElectronVersion()}`;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (fs.existsSync(typings)) {
  process.stdout.write(`typings:electron: ${path.relative(ROOT, typings)} is there\n`);
  process.exit(0);
}

execFileSync(npm, ['install', '--no-save', '--ignore-scripts', spec], { cwd: ROOT, stdio: 'inherit' });

if (!fs.existsSync(typings)) {
  process.stdout.write(`typings:electron: npm left ${spec} out (its engines ask for a newer Node); unpacking its package for the typings only\n`);
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-electron-typings-'));
  try {
    const packed = execFileSync(npm, ['pack', spec, '--silent', '--pack-destination', temp], { cwd: temp, encoding: 'utf8' }).trim().split('\n').at(-1) ?? '';
    fs.mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(temp, packed), '-C', target, '--strip-components=1'], { stdio: 'inherit' });
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

if (!fs.existsSync(typings)) {
  process.stderr.write(`typings:electron: could not get ${spec}'s typings (is the npm registry reachable?)\n`);
  process.exit(1);
}
process.stdout.write(`typings:electron: ${path.relative(ROOT, typings)} installed (the package only: no Electron binary)\n`);
