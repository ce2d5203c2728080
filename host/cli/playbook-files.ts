import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlaybook } from '../../engine/format/load.ts';
import type { Playbook } from '../../engine/format/playbook.ts';
import type { NodeRegistry } from '../../engine/node-type.ts';
import type { PlaybookResolver } from '../../engine/ports.ts';
import { formatProblem, hasErrors } from '../../engine/validate/problems.ts';
import type { Problem } from '../../engine/validate/problems.ts';
import { PLAYBOOK_ID, playbookFileName } from '../workspace/playbook-text.ts';

/** Files larger than this are refused before reading; the loader's own cap is smaller still. */
const READ_LIMIT_BYTES = 64 * 1024 * 1024;

/** A playbook file read and validated, or the problems that refuse it. */
export interface LoadedFile {
  playbook?: Playbook;
  problems: Problem[];
}

/**
 * Reads and validates a playbook file. Every failure, from a missing file to binary garbage,
 * comes back as a Problem with a code, never as an exception.
 */
export function readPlaybookFile(file: string, registry: NodeRegistry): LoadedFile {
  const bytes = readInputFile(file);
  if (!(bytes instanceof Uint8Array)) return { problems: [bytes] };
  try {
    return loadPlaybook(bytes, registry);
  } catch (err) {
    return { problems: [fileProblem('PLAYBOOK_UNREADABLE', `could not load: ${oneLine(err)}`)] };
  }
}

/** The bytes of a file, or a Problem naming why it cannot be read. */
export function readInputFile(file: string): Uint8Array | Problem {
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) return fileProblem('FILE_IS_DIRECTORY', 'is a directory, not a file');
    if (!stat.isFile()) return fileProblem('FILE_NOT_REGULAR', 'is not a regular file');
    if (stat.size > READ_LIMIT_BYTES) return fileProblem('FILE_TOO_LARGE', `is ${stat.size} bytes, over the ${READ_LIMIT_BYTES}-byte limit`);
    return fs.readFileSync(file);
  } catch (err) {
    return fileProblem(...describeFsError(err));
  }
}

/** Reads a JSON file given on the command line (an event, credentials); throws one-line messages. */
export function readJsonFile(file: string, what: string): unknown {
  const bytes = readInputFile(file);
  if (!(bytes instanceof Uint8Array)) throw new Error(`${what} ${file}: ${bytes.message}`);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch (err) {
    throw new Error(`${what} ${file}: not valid UTF-8 JSON (${oneLine(err)})`, { cause: err });
  }
}

function describeFsError(err: unknown): [string, string] {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return ['FILE_NOT_FOUND', 'no such file'];
  if (code === 'EACCES' || code === 'EPERM') return ['FILE_UNREADABLE', 'permission denied'];
  if (code === 'EISDIR') return ['FILE_IS_DIRECTORY', 'is a directory, not a file'];
  if (code === 'ENOTDIR') return ['FILE_NOT_FOUND', 'a parent of this path is not a directory'];
  if (code === 'ENAMETOOLONG') return ['FILE_NOT_FOUND', 'file name too long'];
  return ['FILE_UNREADABLE', `cannot read (${code ?? oneLine(err)})`];
}

function fileProblem(code: string, message: string): Problem {
  return { severity: 'error', code, message };
}

/** An error's message on one line, whatever was thrown. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** Where the shipped playbooks live: the repository's playbooks/ folder. */
export const SHIPPED_PLAYBOOKS = fileURLToPath(new URL('../../playbooks/', import.meta.url));

/**
 * Resolves `core.playbook` references: a relative or absolute path (contains `/` or ends in
 * `.json`) is read from the parent playbook's folder; a bare id is looked up in each of
 * `searchDirs` (the workspace's playbooks/, then the shipped ones) by file name, then by `id`.
 */
export function createPlaybookResolver(baseDir: string, searchDirs: readonly string[], registry: NodeRegistry): PlaybookResolver {
  const load = (file: string): Playbook => {
    const { playbook, problems } = readPlaybookFile(file, registry);
    if (playbook === undefined || hasErrors(problems)) {
      const first = problems.find((p) => p.severity === 'error');
      throw new Error(first === undefined ? `${file}: invalid playbook` : formatProblem(first, file));
    }
    return playbook;
  };
  return {
    async load(ref) {
      if (ref.includes('/') || ref.includes('\\') || ref.endsWith('.json')) return load(path.resolve(baseDir, ref));
      if (!PLAYBOOK_ID.test(ref)) throw new Error(`sub-playbook reference ${JSON.stringify(ref)} is neither a path nor a playbook id`);
      const file = findPlaybookById(ref, searchDirs);
      if (file === undefined) throw new Error(`no playbook with id ${ref} in ${searchDirs.join(' or ')}`);
      return load(file);
    },
  };
}

/** The file of a playbook id: `<id>.playbook.json` in a search dir, else any file declaring that id. */
export function findPlaybookById(id: string, searchDirs: readonly string[]): string | undefined {
  for (const dir of searchDirs) {
    const direct = path.join(dir, playbookFileName(id));
    if (fs.existsSync(direct)) return direct;
  }
  for (const dir of searchDirs) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((n) => n.endsWith('.playbook.json'));
    } catch {
      continue;
    }
    for (const name of names) {
      try {
        const parsed = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as { id?: unknown };
        if (parsed.id === id) return path.join(dir, name);
      } catch {
        continue;
      }
    }
  }
  return undefined;
}
