import { describe, expect, it } from 'vitest';
import { playbookNode } from '../../../nodes/core/playbook.ts';
import { fakeContext } from '../../support/fake-context.ts';

describe('core.playbook', () => {
  it('runs the child playbook with the input and outputs its output', async () => {
    const { ctx, playbooks } = fakeContext({
      runPlaybook: (ref, event) => Promise.resolve({ ref, echoed: event }),
    });
    await expect(playbookNode.run(ctx, { playbook: 'enrich-ip', input: { ip: '1.2.3.4' } })).resolves.toEqual({
      ref: 'enrich-ip',
      echoed: { ip: '1.2.3.4' },
    });
    expect(playbooks).toEqual([]);
    const plain = fakeContext();
    await playbookNode.run(plain.ctx, { playbook: 'triage' });
    expect(plain.playbooks).toEqual([{ ref: 'triage', event: {} }]);
  });

  it('passes the child failure on', async () => {
    const { ctx } = fakeContext({ runPlaybook: () => Promise.reject(new Error('child failed')) });
    await expect(playbookNode.run(ctx, { playbook: 'x' })).rejects.toThrow('child failed');
  });
});
