import { useMemo } from 'react';
import type { Problem } from '../../engine/validate/problems.ts';
import { unboundSlotProblems, type SlotUse } from '../../engine/validate/unbound-slots.ts';
import type { HostInfo, SlotBinding } from '../../host/protocol/contract.ts';
import { useStore } from '../store/index.ts';
import type { CanvasNode } from '../store/types.ts';
import { sentence } from './format.ts';

const NONE: Problem[] = [];

/**
 * Which node (of which type) uses which credential slot, as one string: the same while nodes are dragged, so
 * the list re-checks the slots only when a node's slot (or its disabled flag) changes.
 */
function slotUsage(nodes: readonly CanvasNode[]): string {
  const used: Array<[string, string, string]> = [];
  for (const node of nodes) {
    if (node.type !== 'playbook') continue;
    const { credential, disabled, type } = node.data.node;
    if (credential !== undefined && disabled !== true) used.push([node.id, credential, type]);
  }
  return JSON.stringify(used);
}

/**
 * The slots a run started now would find unbound, as problems, before the run: bound ones are
 * those with a stored credential; in lab mode, with the lab running, also those the lab has a
 * twin for (twins are named by connector id).
 */
export function runSlotProblems(
  credentials: SlotUse['credentials'],
  usage: string,
  slots: readonly SlotBinding[],
  labMode: boolean,
  lab: HostInfo['lab'] | undefined,
): Problem[] {
  const twins = new Set(lab?.running === true ? lab.twins.map((twin) => twin.id) : []);
  const bound = new Set<string>();
  for (const [slot, { connector }] of Object.entries(credentials)) {
    const binding = slots.find((candidate) => candidate.slot === slot);
    if ((binding?.credentialId ?? null) !== null || (labMode && twins.has(connector))) bound.add(slot);
  }
  const nodes = (JSON.parse(usage) as Array<[string, string, string]>).map(([id, credential, type]) => ({ id, credential, type }));
  return unboundSlotProblems({ credentials, nodes }, { bound, lab: labMode });
}

/** Where a problem sits in the file, as words: "line 12, column 7". */
export function problemPlace(problem: Problem): string | undefined {
  if (problem.line === undefined) return undefined;
  return problem.column === undefined ? `line ${problem.line}` : `line ${problem.line}, column ${problem.column}`;
}

/**
 * Every problem of the open playbook, and the credential slots a run would find unbound. A
 * problem of a node (or of an edge, by its source) is a button that selects that node and brings
 * it into view.
 */
export function ProblemsList() {
  const fileProblems = useStore((state) => state.problems) ?? NONE;
  const credentials = useStore((state) => state.playbook?.credentials);
  const usage = useStore((state) => slotUsage(state.nodes));
  const slots = useStore((state) => state.slots);
  const labMode = useStore((state) => state.labMode);
  const lab = useStore((state) => state.host?.lab);
  const select = useStore((state) => state.select);
  const setPanel = useStore((state) => state.setPanel);
  const problems = useMemo(() => {
    const unbound = credentials === undefined ? NONE : runSlotProblems(credentials, usage, slots, labMode, lab);
    return unbound.length === 0 ? fileProblems : [...unbound, ...fileProblems];
  }, [fileProblems, credentials, usage, slots, labMode, lab]);

  if (problems.length === 0) return <p className="muted">No problems: the playbook is valid.</p>;

  // Read at render, not subscribed: dragging a node must not re-render the list.
  const { nodes, edges } = useStore.getState();
  const nodeOf = (problem: Problem): string | undefined =>
    problem.nodeId ?? (problem.edgeId === undefined ? undefined : edges.find((edge) => edge.id === problem.edgeId)?.source);
  const nameOf = (id: string): string => {
    const node = nodes.find((candidate) => candidate.id === id);
    return node?.type === 'playbook' ? node.data.node.name : id;
  };

  return (
    <ul className="problems" aria-label="Problems">
      {problems.map((problem, index) => {
        const nodeId = nodeOf(problem);
        const text = (
          <>
            <span className={`severity severity-${problem.severity}`}>{problem.severity === 'error' ? 'Error' : 'Warning'}</span>
            <span className="problem-message">{problem.message}</span>
          </>
        );
        return (
          <li key={`${problem.code}-${problem.path ?? ''}-${index}`}>
            {nodeId === undefined ? (
              <span className="problem">{text}</span>
            ) : (
              <button
                type="button"
                className="problem link"
                aria-label={`${sentence(problem.message)} Go to ${nameOf(nodeId)}.`}
                onClick={() => {
                  select(nodeId, { reveal: true });
                  setPanel('inspector');
                }}
              >
                {text}
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
