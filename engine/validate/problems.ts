/** A problem's weight: errors refuse a file or a run, warnings only inform the analyst. */
export type Severity = 'error' | 'warning';

/**
 * One finding about a playbook file: a short stable code for tools and tests, a one-line message
 * for people, and where it is (path, node, edge, line and column) so the editor can point at it.
 */
export interface Problem {
  severity: Severity;
  code: string;
  message: string;
  /** Path inside the playbook, as `nodes[3].params.url`. */
  path?: string;
  nodeId?: string;
  edgeId?: string;
  /** 1-based line in the file, when the problem comes from (or maps back to) a file. */
  line?: number;
  /** 1-based column, counted in UTF-16 code units as editors do. */
  column?: number;
}

/** One path step: an object key or an array index. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The first schema issue of a node's params as one line naming the field: `params.ipAddress: Invalid input`. */
export function firstParamsIssue(issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>): string {
  const issue = issues[0];
  const where = issue && issue.path.length > 0 ? `params.${issue.path.map(String).join('.')}` : 'params';
  return `${where}: ${issue?.message ?? 'invalid'}`;
}

/** Formats a path the way a reader writes it (`nodes[3].params["content-type"]`); '' is the root. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** Splits a path made by `formatPath` back into its segments; undefined when it is not one. */
export function parsePath(path: string): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  const step = /\.?([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let at = 0;
  while (at < path.length) {
    step.lastIndex = at;
    const match = step.exec(path);
    if (match === null || (at === 0 && path.startsWith('.'))) return undefined;
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3] ?? '""') as string);
    at = step.lastIndex;
  }
  return segments;
}

/**
 * One line per problem, compiler style, so terminals and editors can jump to it:
 * `flows/x.playbook.json:12:7 error PLAYBOOK_CYCLE edge e7 closes a loop a → b → a`.
 */
export function formatProblem(problem: Problem, file?: string): string {
  let where = file ?? '';
  if (problem.line !== undefined) {
    where += `${where === '' ? '' : ':'}${problem.line}:${problem.column ?? 1}`;
  }
  const head = where === '' ? '' : `${where} `;
  return `${head}${problem.severity} ${problem.code} ${oneLine(problem.message)}`;
}

/** True when any problem is an error (warnings alone never refuse a playbook). */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((problem) => problem.severity === 'error');
}

/** ` (did you mean <nearest>?)` for a misspelt `word`, or '' when no candidate is near: the hint every message appends. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const near = nearest(word, candidates);
  return near === undefined ? '' : ` (did you mean ${near}?)`;
}

/** The known name closest to a misspelt `word` (edit distance 1, or 2 for longer words), for "did you mean" hints. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = word.length <= 3 ? 2 : 3;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}
