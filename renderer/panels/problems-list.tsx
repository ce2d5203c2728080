import type { Problem } from '../../engine/validate/problems.ts';
import { useStore } from '../store/index.ts';
import { sentence } from './format.ts';

const NONE: Problem[] = [];

/** Where a problem sits in the file, as words: "line 12, column 7". */
export function problemPlace(problem: Problem): string | undefined {
  if (problem.line === undefined) return undefined;
  return problem.column === undefined ? `line ${problem.line}` : `line ${problem.line}, column ${problem.column}`;
}

/**
 * Every problem of the open playbook. A problem of a node (or of an edge, by its source) is a
 * button that selects that node and brings it into view.
 */
export function ProblemsList() {
  const problems = useStore((state) => state.problems) ?? NONE;
  const select = useStore((state) => state.select);
  const setPanel = useStore((state) => state.setPanel);

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
