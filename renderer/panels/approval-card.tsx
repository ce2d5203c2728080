import { useState } from 'react';
import type { EvidenceItem } from '../../engine/approval-evidence.ts';
import type { RunState } from '../../engine/run/types.ts';
import { MAX_DISPLAY_NAME } from '../../host/protocol/contract.ts';
import { useStore } from '../store/index.ts';
import { isLive } from '../store/run-slice.ts';
import { formatDateTime, sentence } from './format.ts';
import { useDisplayName } from './use-display-name.ts';
import type { DisplayNameField } from './use-display-name.ts';

/** Longest comment `runs.decide` takes. */
const MAX_COMMENT = 2_000;

type Approval = RunState['approvals'][string];

/**
 * The approvals waiting in a live run: each with its evidence, a comment and Approve/Reject
 * (disabled, saying why, when the signed-in role may not decide), under who will be recorded as deciding.
 */
export function Approvals({ run, nodeName }: { run: RunState; nodeName: (nodeId: string) => string }) {
  const displayName = useDisplayName();
  const waiting = Object.entries(run.approvals).filter(([, approval]) => approval.decision === undefined);
  if (waiting.length === 0 || !isLive(run.status)) return null;
  return (
    <section className="approvals" aria-label="Approvals waiting">
      <AnsweringAs name={displayName} />
      {waiting.map(([nodeId, approval]) => (
        <ApprovalCard key={nodeId} nodeId={nodeId} name={nodeName(nodeId)} approval={approval} saveName={displayName.save} />
      ))}
    </section>
  );
}

/** Who the decision is recorded as: the signed-in person on a team server, else "Your name" (saved in the settings). */
function AnsweringAs({ name }: { name: DisplayNameField }) {
  const user = useStore((state) => state.host?.user?.name);
  const notify = useStore((state) => state.notify);
  if (user !== undefined) return <p className="help">Answering as {user}.</p>;
  const save = () => name.save().catch((error: unknown) => notify('error', `Your name could not be saved: ${sentence(error)}`));
  return (
    <label className="field approval-answerer">
      <span>Your name</span>
      <input
        value={name.value}
        maxLength={MAX_DISPLAY_NAME}
        placeholder="Recorded with your decisions"
        onChange={(event) => name.setValue(event.target.value)}
        onBlur={() => void save()}
        onKeyDown={(event) => event.key === 'Enter' && void save()}
      />
    </label>
  );
}

function ApprovalCard({ nodeId, name, approval, saveName }: { nodeId: string; name: string; approval: Approval; saveName: () => Promise<void> }) {
  const notify = useStore((state) => state.notify);
  const decide = useStore((state) => state.decide);
  const refused = useStore((state) => state.host?.user?.may.decide === false);
  const [comment, setComment] = useState('');
  const why = refused ? 'Needs the approver role' : undefined;
  const answer = async (decision: 'approved' | 'rejected') => {
    // A name typed just before the click is saved first, so the host records the decision under it.
    await saveName().catch((error: unknown) => notify('error', `Your name could not be saved: ${sentence(error)}`));
    await decide(nodeId, decision, comment.trim() || undefined);
  };
  return (
    <div className="approval" role="group" aria-label={`Approval for ${name}`}>
      <p className="approval-prompt">{approval.prompt}</p>
      {approval.evidence === undefined ? null : <Evidence items={approval.evidence} />}
      <p className="help">Expires {formatDateTime(approval.expiresAt)}; then the expired path is taken.</p>
      <label className="field">
        <span>Comment (optional)</span>
        <textarea rows={2} value={comment} maxLength={MAX_COMMENT} onChange={(event) => setComment(event.target.value)} />
      </label>
      <div className="row">
        <button type="button" className="primary" disabled={refused} title={why} onClick={() => void answer('approved')}>
          Approve
        </button>
        <button type="button" className="danger" disabled={refused} title={why} onClick={() => void answer('rejected')}>
          Reject
        </button>
      </div>
    </div>
  );
}

/** The evidence rows as a definition list; a row whose expression failed says why. */
function Evidence({ items }: { items: readonly EvidenceItem[] }) {
  return (
    <dl className="approval-evidence" aria-label="Evidence">
      {items.map((item, index) => (
        <div key={index}>
          <dt>{item.label}</dt>
          {'error' in item ? <dd className="evidence-error">Could not be evaluated: {item.error}</dd> : <dd>{item.value}</dd>}
        </div>
      ))}
    </dl>
  );
}
