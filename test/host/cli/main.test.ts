import { describe, expect, it } from 'vitest';
import { cli, hasStackTrace } from './harness.ts';

describe('switchboard main', () => {
  it('prints usage for --help and help, exit 0', async () => {
    for (const argv of [['--help'], ['help'], ['-h']]) {
      const result = await cli(argv, { cwd: process.cwd() });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: switchboard <command>');
      for (const command of ['validate', 'run', 'runs', 'resume', 'connectors']) expect(result.stdout).toContain(command);
    }
  });

  it("prints a command's options for help COMMAND and COMMAND --help", async () => {
    expect((await cli(['help', 'run'], { cwd: process.cwd() })).stdout).toContain('--breakpoint ID');
    expect((await cli(['run', '--help'], { cwd: process.cwd() })).stdout).toContain('--credentials FILE');
  });

  it('prints the version', async () => {
    const result = await cli(['--version'], { cwd: process.cwd() });
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^switchboard \d+\.\d+\.\d+\n$/) });
  });

  it('refuses unknown commands and no command with exit 2 and no stack trace', async () => {
    const unknown = await cli(['frobnicate'], { cwd: process.cwd() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('switchboard: unknown command "frobnicate" (see switchboard --help)\n');
    const none = await cli([], { cwd: process.cwd() });
    expect(none.code).toBe(2);
    expect(hasStackTrace(none.stderr)).toBe(false);
  });

  it('refuses resume of a run that does not exist, and of a bad run id', async () => {
    for (const id of ['20990101-000000-abcdef', '../../etc/passwd']) {
      const result = await cli(['resume', id, '--workspace', '/nonexistent-switchboard'], { cwd: process.cwd() });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
