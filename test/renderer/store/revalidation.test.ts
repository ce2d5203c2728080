import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Problem } from '../../../engine/validate/problems.ts';
import { rpc } from '../../../renderer/rpc/index.ts';
import { createFakeTransport } from '../../../renderer/rpc/fake-transport.ts';
import { createRevalidation } from '../../../renderer/store/revalidation.ts';
import { waitFor } from '../../support/wait-for.ts';
import { samplePlaybook } from '../catalogue-fixture.ts';

const problem = (code: string): Problem => ({ severity: 'error', code, message: code, nodeId: 'route' });
let asked: number;
/** Runs while the host validates: a test edits the graph there to make the answer stale. */
let duringValidation: () => void;

beforeEach(() => {
  asked = 0;
  duringValidation = () => undefined;
  rpc.connect(
    createFakeTransport({
      'playbooks.validate': () => {
        asked++;
        duringValidation();
        return { problems: [problem(`answer ${asked}`)] };
      },
    }),
  );
});

afterEach(() => rpc.disconnect());

describe('re-validation while editing', () => {
  it('asks the host once after a burst of edits goes quiet, and applies its problems', async () => {
    const applied: Problem[][] = [];
    const revalidation = createRevalidation({ playbook: samplePlaybook, seq: () => 1, apply: (problems) => applied.push(problems) });
    revalidation.schedule();
    revalidation.schedule();
    revalidation.schedule();
    await waitFor(() => (applied.length > 0 ? true : undefined));
    expect(asked).toBe(1);
    expect(applied).toEqual([[problem('answer 1')]]);
  });

  it('drops an answer for a state an edit has replaced meanwhile', async () => {
    let seq = 1;
    const applied: Problem[][] = [];
    const revalidation = createRevalidation({ playbook: samplePlaybook, seq: () => seq, apply: (problems) => applied.push(problems) });
    duringValidation = () => {
      seq++;
      duringValidation = () => undefined;
    };
    revalidation.schedule();
    await waitFor(() => (asked === 1 ? true : undefined));
    revalidation.schedule();
    await waitFor(() => (applied.length > 0 ? true : undefined));
    expect(applied).toEqual([[problem('answer 2')]]);
  });

  it('asks nothing when cancelled or while no playbook is open', async () => {
    createRevalidation({ playbook: () => undefined, seq: () => 1, apply: () => undefined }).schedule();
    const cancelled = createRevalidation({ playbook: samplePlaybook, seq: () => 1, apply: () => undefined });
    cancelled.schedule();
    cancelled.cancel();
    const applied: Problem[][] = [];
    createRevalidation({ playbook: samplePlaybook, seq: () => 1, apply: (problems) => applied.push(problems) }).schedule();
    await waitFor(() => (applied.length > 0 ? true : undefined));
    expect(asked).toBe(1);
  });
});
