import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPath, formatProblem, hasErrors, nearest, parsePath } from '../../../engine/validate/problems.ts';
import type { Problem } from '../../../engine/validate/problems.ts';

const cycle: Problem = {
  severity: 'error',
  code: 'PLAYBOOK_CYCLE',
  message: 'edge e7 closes a loop check_url → decide → check_url',
  edgeId: 'e7',
  line: 12,
  column: 7,
};

describe('formatProblem', () => {
  it('reads like a compiler diagnostic: file:line:column severity CODE message', () => {
    expect(formatProblem(cycle, 'flows/x.playbook.json')).toBe(
      'flows/x.playbook.json:12:7 error PLAYBOOK_CYCLE edge e7 closes a loop check_url → decide → check_url',
    );
  });

  it('leaves out what it does not know', () => {
    expect(formatProblem(cycle)).toBe('12:7 error PLAYBOOK_CYCLE edge e7 closes a loop check_url → decide → check_url');
    const { line: _line, column: _column, ...unplaced } = cycle;
    expect(formatProblem(unplaced, 'x.json')).toBe('x.json error PLAYBOOK_CYCLE edge e7 closes a loop check_url → decide → check_url');
    expect(formatProblem({ severity: 'warning', code: 'NODE_UNREACHABLE', message: 'node a never runs' })).toBe(
      'warning NODE_UNREACHABLE node a never runs',
    );
  });

  it('always gives one line', () => {
    expect(formatProblem({ ...cycle, message: 'first\n  second\r\nthird' })).toBe('12:7 error PLAYBOOK_CYCLE first second third');
  });
});

describe('hasErrors', () => {
  it('is true only when some problem is an error', () => {
    expect(hasErrors([])).toBe(false);
    expect(hasErrors([{ ...cycle, severity: 'warning' }])).toBe(false);
    expect(hasErrors([{ ...cycle, severity: 'warning' }, cycle])).toBe(true);
  });
});

describe('formatPath and parsePath', () => {
  it('write paths as a reader would', () => {
    expect(formatPath(['nodes', 3, 'params', 'url'])).toBe('nodes[3].params.url');
    expect(formatPath(['params', 'headers', 'content-type'])).toBe('params.headers["content-type"]');
    expect(formatPath([])).toBe('');
    expect(formatPath([0, 'a'])).toBe('[0].a');
  });

  it('read back every path they write', () => {
    const segment = fc.oneof(fc.nat(), fc.string({ unit: 'binary', maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (segments) => {
        expect(parsePath(formatPath(segments))).toEqual(segments);
      }),
    );
  });

  it('refuse text that is not a path', () => {
    expect(parsePath('.a')).toBeUndefined();
    expect(parsePath('a[')).toBeUndefined();
    expect(parsePath('a..b')).toBeUndefined();
  });
});

describe('nearest', () => {
  it('suggests a close spelling and nothing far', () => {
    expect(nearest('paramz', ['id', 'params', 'name'])).toBe('params');
    expect(nearest('chek_url', ['check_url', 'decide'])).toBe('check_url');
    expect(nearest('xyz', ['id', 'params'])).toBeUndefined();
    expect(nearest('ab', ['id'])).toBeUndefined();
  });
});
