import type { Decision, DecisionRequest, NodeContext } from '../../engine/node-type.ts';
import { FakeClock } from './fake-clock.ts';

/** A hand-built NodeContext plus the handles a test needs to drive and inspect it. */
export interface FakeContext {
  ctx: NodeContext;
  /** Manual clock: time moves only through `clock.advance(ms)`. */
  clock: FakeClock;
  /** Aborting it is what stopping the run does. */
  controller: AbortController;
  logs: Array<{ level: string; message: string }>;
  decisions: DecisionRequest[];
  playbooks: Array<{ ref: string; event: unknown }>;
}

/**
 * A NodeContext for node tests with a manual fake clock and recorded logs, decision requests and child
 * runs. Override any member (e.g. `evaluate`, `requestDecision`, `credentials`).
 */
export function fakeContext(overrides: Partial<NodeContext> = {}): FakeContext {
  const clock = new FakeClock({ start: Date.UTC(2026, 0, 1), auto: false });
  const controller = new AbortController();
  const logs: FakeContext['logs'] = [];
  const decisions: FakeContext['decisions'] = [];
  const playbooks: FakeContext['playbooks'] = [];
  const ctx: NodeContext = {
    runId: 'run-1',
    nodeId: 'node_1',
    attempt: 1,
    dryRun: false,
    signal: controller.signal,
    cancellation: controller.signal,
    clock,
    idempotencyKey: 'run-1:node_1',
    trigger: { alert: 'A-1' },
    log: (level, message) => void logs.push({ level, message }),
    evaluate: () => Promise.reject(new Error('evaluate is not set up in this test')),
    requestDecision: (request) => {
      decisions.push(request);
      return Promise.resolve<Decision>('approved');
    },
    runPlaybook: (ref, event) => {
      playbooks.push({ ref, event });
      return Promise.resolve({ child: ref });
    },
    ...overrides,
  };
  return { ctx, clock, controller, logs, decisions, playbooks };
}
