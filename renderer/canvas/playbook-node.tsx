import { Handle, Position } from '@xyflow/react';
import type { Node, NodeProps } from '@xyflow/react';
import { createContext, memo, useContext, useMemo } from 'react';
import { nodeStatusLabel } from '../../engine/run/node-status.ts';
import type { Problem } from '../../engine/validate/problems.ts';
import { isTriggerType, portsOf } from '../store/catalogue-slice.ts';
import type { CanvasNodeData, CatalogueItem } from '../store/types.ts';
import { boxSize } from './box-size.ts';
import { KINDS, kindOf } from './categories.ts';
import { useNodeMeta } from './node-meta.ts';

export type PlaybookFlowNode = Node<CanvasNodeData, 'playbook'>;

/**
 * Whether nodes draw simplified (semantic-zoom.ts decides; set once by the canvas, so 1,000 nodes
 * do not each subscribe to the zoom: a context change re-renders them only when the level of
 * detail flips).
 */
export const FarContext = createContext(false);

/**
 * A playbook node on the canvas: vendor, action, name, one labelled handle per output port (the
 * label is the handle, a large target), and markers. Each value is read with its own narrow
 * selector (status, problems, pin) from the node mirror (`node-meta.ts`), so a run event or a
 * validation result re-renders only the nodes it concerns, and a drag frame runs none of them;
 * `memo` keeps the other nodes still while one is dragged. The markup is kept lean (no positioned
 * or clipped extras) because a 1,000-node playbook renders it 1,000 times. Zoomed out past the
 * point where its text reads under 11 px (semantic-zoom.ts) it shrinks to a block in its kind's
 * and status's colours with the name in large type (two lines at most, the full name on hover),
 * one output handle that all its edges leave from (ports are a few pixels apart on screen there;
 * the canvas re-points the edges), and the markers as attributes: a third of the elements and of
 * React Flow's subscriptions, and still readable.
 */
export const PlaybookNode = memo(function PlaybookNode({ id, data }: NodeProps<PlaybookFlowNode>) {
  const node = data.node;
  const item = useNodeMeta((s) => s.actionsByType[node.type]);
  const status = useNodeMeta((s) => s.nodeStatus[id] ?? 'idle');
  const problems = useNodeMeta((s) => s.problemsByNode[id]);
  const pinned = useNodeMeta((s) => s.pins[id] !== undefined);
  const lab = useNodeMeta((s) => s.nodeLab[id] === true);
  const unknown = useNodeMeta((s) => s.unknownOutcome === id);
  const ports = useMemo(() => portsOf(item?.action, node.params), [item, node.params]);
  const trigger = isTriggerType(node.type, item?.action);
  const kind = kindOf(item, node.type);
  const vendor = item?.connector.name ?? node.type.split('.')[0] ?? node.type;
  const action = item?.action.title ?? `Unknown node type ${node.type}`;

  const far = useContext(FarContext);
  const badges = (problems?.length ?? 0) > 0 || node.breakpoint === true || pinned || node.disabled === true || lab;
  const attributes = {
    'data-status': status,
    'data-node-id': id,
    'data-testid': `node-${id}`,
    'data-kind': kind,
    'data-disabled': node.disabled === true ? 'true' : undefined,
    'data-lab': lab ? 'true' : undefined,
    'data-unknown-outcome': unknown ? 'true' : undefined,
  };

  if (far) {
    const severity = problems === undefined ? undefined : problems.some((problem) => problem.severity === 'error') ? 'error' : 'warning';
    return (
      <div
        className="sb-node sb-node-far"
        {...attributes}
        style={{ minHeight: detailedHeight(id, data, item) }}
        data-problems={severity}
        data-breakpoint={node.breakpoint === true ? 'true' : undefined}
        title={node.name}
      >
        {trigger ? null : <Handle type="target" position={Position.Left} className="sb-in" role="img" aria-label="port in" />}
        <div className="sb-node-far-name">{node.name}</div>
        {ports.length === 0 ? null : <Handle type="source" position={Position.Right} className="sb-out-far" role="img" aria-label="ports out" />}
      </div>
    );
  }

  return (
    <div className="sb-node" {...attributes}>
      {trigger ? null : <Handle type="target" position={Position.Left} className="sb-in" role="img" aria-label="port in" />}
      <div className="sb-node-head">
        <span className="sb-node-icon" aria-hidden="true">
          {KINDS[kind].tag}
        </span>
        {vendor}
        {unknown ? (
          <span className="sb-node-status" title={UNKNOWN_OUTCOME_TITLE}>
            outcome unknown
          </span>
        ) : status === 'idle' ? null : (
          <span className="sb-node-status">{nodeStatusLabel(status)}</span>
        )}
        {badges ? <NodeBadges problems={problems} breakpoint={node.breakpoint === true} pinned={pinned} disabled={node.disabled === true} lab={lab} /> : null}
      </div>
      <div className="sb-node-name">{node.name}</div>
      <div className="sb-node-action">{action}</div>
      {ports.map((port) => (
        <Handle key={port} type="source" id={port} position={Position.Right} className="sb-port" data-port={port} role="img" aria-label={`port ${port}`}>
          {port}
        </Handle>
      ))}
    </div>
  );
});

const ORIGIN = { x: 0, y: 0 };

/**
 * The detailed node's height as box-size.ts estimates it (a little on the tall side): the
 * simplified block takes at least that room, so auto-layout, which measures what is drawn, leaves
 * the same gaps whether it runs zoomed in or out.
 */
function detailedHeight(id: string, data: CanvasNodeData, item: CatalogueItem | undefined): number {
  return boxSize({ id, type: 'playbook', position: ORIGIN, data }, item === undefined ? {} : { [data.node.type]: item }).height;
}

/** Why a node shows "outcome unknown": what happened and what the analyst decides. */
const UNKNOWN_OUTCOME_TITLE =
  'The earlier run sent this request and stopped before the answer was recorded. The run waits: send it again (same idempotency key), mark it done or fail it, in the Run panel.';

/** Validation, breakpoint, pin, disabled and LAB markers; each says what it means on hover and to screen readers. */
function NodeBadges({ problems, breakpoint, pinned, disabled, lab }: { problems: Problem[] | undefined; breakpoint: boolean; pinned: boolean; disabled: boolean; lab: boolean }) {
  const count = problems?.length ?? 0;
  const severity = problems?.some((problem) => problem.severity === 'error') === true ? 'error' : 'warning';
  const messages = problems?.map((problem) => problem.message) ?? [];
  return (
    <span className="sb-node-badges">
      {count > 0 ? (
        <span className="sb-badge sb-badge-problems" data-severity={severity} role="img" title={messages.join('\n')} aria-label={`${count} ${count === 1 ? 'problem' : 'problems'}: ${messages.join('; ')}`}>
          {count}
        </span>
      ) : null}
      {breakpoint ? <span className="sb-badge sb-badge-breakpoint" role="img" title="Breakpoint: the run pauses before this node" aria-label="Breakpoint" /> : null}
      {pinned ? (
        <span className="sb-badge sb-badge-pin" role="img" title="Output pinned: runs use the pinned output instead of calling the tool" aria-label="Pinned output">
          PIN
        </span>
      ) : null}
      {disabled ? (
        <span className="sb-badge sb-badge-disabled" role="img" title="Disabled: runs skip this node" aria-label="Disabled">
          OFF
        </span>
      ) : null}
      {lab ? (
        <span className="sb-badge sb-badge-lab" role="img" title="Ran on the lab: this node called a lab twin, not the real vendor" aria-label="Ran on the lab">
          LAB
        </span>
      ) : null}
    </span>
  );
}
