import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, tempDir, writeChain } from './harness.ts';

// The terminal's approval prompt: the evidence is printed before the question, the answer is
// recorded as the display name (else $USER) with a comment typed after y/n or given by --comment.

let dir: string;
beforeEach(() => {
  dir = tempDir();
  writeChain(dir, 'block.playbook.json', 'block', [
    { id: 'start', type: 'trigger.manual@1' },
    { id: 'check_ip', type: 'core.set@1', params: { values: { abuseConfidenceScore: 87 } } },
    {
      id: 'ask',
      type: 'core.approval@1',
      params: {
        prompt: 'Block {{ trigger.ip }}?',
        evidence: [
          { label: 'IP', value: '{{ trigger.ip }}' },
          { label: 'AbuseIPDB score', value: '{{ nodes.check_ip.output.abuseConfidenceScore }}' },
          { label: 'Broken', value: "{{ trigger.ip + 1 }}" },
        ],
      },
    },
  ]);
  fs.writeFileSync(path.join(dir, 'event.json'), JSON.stringify({ ip: '203.0.113.7' }));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The decision's line; in a terminal the answer is not echoed, so it follows the prompt on the same line. */
const decidedLine = (stdout: string) => /\? ask (?:approved|rejected).*$/m.exec(stdout)?.[0];

describe('switchboard run: the approval prompt', () => {
  it('prints the evidence under the request, then records the answer as $USER with the comment typed', async () => {
    const result = await cli(['run', 'block.playbook.json', '--event', 'event.json'], { cwd: dir, isTTY: true, stdin: 'y\nScore 87, blocking\n', env: { USER: 'root' } });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    const at = lines.findIndex((line) => line === '? ask awaits approval: Block 203.0.113.7?');
    expect(lines.slice(at + 1, at + 4)).toEqual(['    IP: 203.0.113.7', '    AbuseIPDB score: 87', expect.stringMatching(/^ {4}Broken: could not be evaluated: .*number/)]);
    expect(result.stdout).toContain('approve ask as root? [y/n] ');
    expect(result.stdout).toContain('comment (optional, Enter for none): ');
    expect(decidedLine(result.stdout)).toBe('? ask approved by root: "Score 87, blocking"');
  });

  it('answers as the display name set in the workspace settings, with --comment instead of asking', async () => {
    fs.mkdirSync(path.join(dir, '.switchboard'));
    fs.writeFileSync(path.join(dir, '.switchboard', 'settings.json'), JSON.stringify({ labMode: false, displayName: 'Dana Scully' }));
    const result = await cli(['run', 'block.playbook.json', '--event', 'event.json', '--comment', 'Known scanner'], { cwd: dir, isTTY: true, stdin: 'n\n', env: { USER: 'root' } });
    expect(result.stdout).toContain('approve ask as Dana Scully? [y/n] ');
    expect(result.stdout).not.toContain('comment (optional');
    expect(decidedLine(result.stdout)).toBe('? ask rejected by Dana Scully: "Known scanner"');
  });

  it('records --comment with a decision made up front by --approve', async () => {
    const result = await cli(['run', 'block.playbook.json', '--event', 'event.json', '--approve', '--comment', 'change CHG-12'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(decidedLine(result.stdout)).toBe('? ask approved by switchboard-cli: "change CHG-12"');
  });
});
