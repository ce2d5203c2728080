import { NodeError } from '../errors.ts';
import type { Decision, DecisionRequest } from '../node-type.ts';
import type { Clock } from '../ports.ts';
import { asNodeError } from './node-invoke.ts';
import type { RunCore } from './run-core.ts';

type Decide = (decision: Decision, by?: string, comment?: string) => void;

/**
 * The approvals a run waits for: one per node at a time, journalled when asked and when decided,
 * ended by a person's decision, the request's expiry, or the node's cancellation.
 */
export class RunApprovals {
  private readonly waiting = new Map<string, Decide>();

  constructor(private readonly core: RunCore) {}

  request(nodeId: string, request: DecisionRequest, signal: AbortSignal): Promise<Decision> {
    if (this.waiting.has(nodeId)) return Promise.reject(new NodeError('FAILED', `node ${nodeId} already waits for a decision`));
    const { prompt, expiresAt, details, evidence } = request;
    this.core.emit({ type: 'approval.requested', nodeId, prompt, expiresAt, details, ...(evidence && evidence.length > 0 ? { evidence } : {}) });
    const clock: Clock = this.core.clock;
    return new Promise<Decision>((resolve, reject) => {
      const expiry = new AbortController();
      const onAbort = () => {
        this.waiting.delete(nodeId);
        expiry.abort();
        reject(asNodeError(undefined, signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const decide: Decide = (decision, by, comment) => {
        this.waiting.delete(nodeId);
        signal.removeEventListener('abort', onAbort);
        expiry.abort();
        this.core.emit({ type: 'approval.decided', nodeId, decision, ...(by ? { by } : {}), ...(comment ? { comment } : {}) });
        resolve(decision);
      };
      this.waiting.set(nodeId, decide);
      clock.sleep(Math.max(0, request.expiresAt - clock.now()), expiry.signal).then(() => decide('expired'), () => undefined);
    });
  }

  /** A person's decision on a waiting approval; false when that node waits for none. */
  decide(nodeId: string, decision: 'approved' | 'rejected', by?: string, comment?: string): boolean {
    const decide = this.waiting.get(nodeId);
    if (!decide) return false;
    decide(decision, by, comment);
    return true;
  }
}
