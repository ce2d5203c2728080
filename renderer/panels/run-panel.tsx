import { useEffect, useMemo, useState } from 'react';
import { evidenceLine } from '../../engine/approval-evidence.ts';
import type { OutputSource, RunEvent } from '../../engine/run/events.ts';
import { labNodes, nodeStatusLabel, notRunNodes } from '../../engine/run/node-status.ts';
import type { NodeRunState, RunState } from '../../engine/run/types.ts';
import { portsOf } from '../store/catalogue-slice.ts';
import { useStore } from '../store/index.ts';
import { isLive, showsPastMoment } from '../store/run-slice.ts';
import type { CanvasNode } from '../store/types.ts';
import { formatClock, formatDateTime, formatDuration, parseJsonText, toJsonText } from './format.ts';
import { Approvals } from './approval-card.tsx';
import { JsonViewer } from './json-viewer.tsx';
import { isReportOutput, REPORT_TYPE, ReportView } from './report-view.tsx';
import { LabBadge } from './lab-badge.tsx';
import { ReplayScrubber } from './replay-scrubber.tsx';
import { runFromHere } from './run-from-here.ts';

/** The shown run: status, waiting approvals, the paused node, the selected node's data and the timeline. */
export function RunPanel() {
  const run = useStore((state) => state.run);
  // A past moment of a replayed run shows no controls: nothing in it can be approved, skipped or overridden.
  const past = useStore(showsPastMoment);
  if (run === undefined) {
    return <p className="muted">No run yet. Press Run or Step to start one; past runs are under History.</p>;
  }
  return (
    <div className="run-panel">
      <RunHeader run={run} />
      <ReplayScrubber describe={describeEvent} />
      {past ? null : <Approvals run={run} nodeName={nodeName} />}
      {past || run.paused === undefined ? null : run.paused.reason === 'unknown-outcome' ? (
        <UnknownOutcome key={`${run.runId}-${run.paused.nodeId}`} run={run} />
      ) : (
        <PausedNode key={`${run.runId}-${run.paused.nodeId}`} run={run} />
      )}
      <SelectedNodeRun run={run} />
      <Timeline />
    </div>
  );
}

/** Milliseconds since `from`, ticking every second while `live`. */
function useElapsed(from: number, live: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [live]);
  return Math.max(0, now - from);
}

/** A node's name for people: its playbook name, else its id (a note, or a node no longer on the canvas). */
function nameOf(node: CanvasNode | undefined, nodeId: string): string {
  return node?.type === 'playbook' ? node.data.node.name : nodeId;
}

function nodeName(nodeId: string): string {
  return nameOf(useStore.getState().nodes.find((candidate) => candidate.id === nodeId), nodeId);
}

/** `nodeName` for many lookups: one pass over the canvas instead of a search per event. */
function nodeNamer(nodes: readonly CanvasNode[]): (nodeId: string) => string {
  const byId = new Map<string, CanvasNode>();
  for (const node of nodes) if (!byId.has(node.id)) byId.set(node.id, node);
  return (nodeId) => nameOf(byId.get(nodeId), nodeId);
}

function RunHeader({ run }: { run: RunState }) {
  const past = useStore(showsPastMoment);
  const live = isLive(run.status) && !past;
  const elapsed = useElapsed(run.startedAt, live);
  const labTitle = runLabTitle(run, nodeName);
  return (
    <section className="run-head" aria-label="Run status">
      <p>
        <span className={`status-badge status-${run.status}`} role="status">
          {run.status}
        </span>{' '}
        {run.mode === 'step' ? <span className="badge">step</span> : null}
        {run.dryRun ? <span className="badge">dry run</span> : null}
        {labTitle === undefined ? null : <LabBadge title={labTitle} />}
        {run.fromRunId === undefined ? null : <span className="badge">from {run.fromRunId}</span>}
      </p>
      <dl className="facts">
        <dt>Started</dt>
        <dd>{formatDateTime(run.startedAt)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(live ? elapsed : run.durationMs)}</dd>
        <dt>Run id</dt>
        <dd>
          <code>{run.runId}</code>
        </dd>
      </dl>
      {run.error === undefined ? null : (
        <p className="field-error" role="alert">
          {run.error.nodeId === undefined ? '' : `${nodeName(run.error.nodeId)} failed: `}
          {run.error.code} — {run.error.message}
        </p>
      )}
      {run.status === 'interrupted' ? (
        <p className="help">
          The run was interrupted{run.lastCompletedNodeId === undefined ? '' : ` after ${nodeName(run.lastCompletedNodeId)}`}. Select a node and use Run from here to
          go on.
        </p>
      ) : null}
    </section>
  );
}

/**
 * What a run's LAB badge says: a lab-mode run, or a run some of whose nodes called lab twins
 * through lab credentials; undefined for a run that touched no twin.
 */
function runLabTitle(run: Pick<RunState, 'lab' | 'nodes'>, name: (nodeId: string) => string): string | undefined {
  if (run.lab === true) return 'A lab run: unbound credential slots used the lab’s vendor twins, not the real tools';
  const nodes = labNodes(run.nodes);
  if (nodes.length === 0) return undefined;
  return `Not a lab run, but ${nodes.map(name).join(', ')} called lab twins through lab credentials`;
}

/** Whether an event says its node (or run) ran on the lab. */
function isLabEvent(event: RunEvent): boolean {
  return (event.type === 'run.started' || event.type === 'node.started' || event.type === 'node.succeeded' || event.type === 'node.failed') && event.lab === true;
}

/** The playbook node a run paused on, as the canvas has it (undefined when it is no longer there). */
function usePlaybookNode(nodeId: string) {
  return useStore((state) => {
    const found = state.nodes.find((candidate) => candidate.id === nodeId);
    return found?.type === 'playbook' ? found.data.node : undefined;
  });
}

/** The ports a node may take with an output given by hand (skip, mark done): all but `error`. */
function useOutputPorts(nodeId: string): string[] {
  const node = usePlaybookNode(nodeId);
  const action = useStore((state) => (node === undefined ? undefined : state.actionsByType[node.type]?.action));
  return (node === undefined ? ['out'] : portsOf(action, node.params)).filter((port) => port !== 'error');
}

/** The node the run paused before: its resolved input, an input override, and skip with an output. */
function PausedNode({ run }: { run: RunState }) {
  const paused = run.paused as NonNullable<RunState['paused']>;
  const override = useStore((state) => state.override);
  const skip = useStore((state) => state.skip);
  const choices = useOutputPorts(paused.nodeId);
  const [input, setInput] = useState(() => toJsonText(paused.input));
  const [error, setError] = useState<string | undefined>();
  const name = nodeName(paused.nodeId);

  return (
    <section className="paused" aria-labelledby="paused-title">
      <h3 id="paused-title">
        Paused before {name} ({paused.reason})
      </h3>
      <JsonViewer value={paused.input} label={`Resolved input of ${name}`} openDepth={2} />
      <label htmlFor="override-input">Input to run it with</label>
      <textarea id="override-input" className="json-input" rows={5} spellCheck={false} value={input} onChange={(event) => setInput(event.target.value)} />
      <button
        type="button"
        onClick={() => {
          const parsed = parseJsonText(input, 'The input');
          if (!parsed.ok) return setError(parsed.error);
          setError(undefined);
          void override(parsed.value);
        }}
      >
        Override input
      </button>
      {error === undefined ? null : (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <OutputEditor id="skip" label="Output to skip it with (JSON; empty for none)" submit="Skip with output" choices={choices} onSubmit={(output, port) => void skip(output, port)} />
    </section>
  );
}

/**
 * A write that an earlier run sent and stopped before recording the answer to: it may have acted.
 * The run waits here, and nothing else moves it on: the analyst sends it again with the same
 * idempotency key (the vendor can de-duplicate it), marks it done with what the vendor shows, or fails it.
 */
function UnknownOutcome({ run }: { run: RunState }) {
  const paused = run.paused as NonNullable<RunState['paused']>;
  const resolveUnknown = useStore((state) => state.resolveUnknown);
  const forEach = usePlaybookNode(paused.nodeId)?.forEach !== undefined;
  const choices = useOutputPorts(paused.nodeId);
  const [marking, setMarking] = useState(false);
  const name = nodeName(paused.nodeId);
  const key = `${run.keyRoot ?? run.runId}:${paused.nodeId}${forEach ? ':<item index>' : ''}`;

  return (
    <section className="paused unknown-outcome" aria-labelledby="unknown-outcome-title">
      <h3 id="unknown-outcome-title">Outcome unknown: {name}</h3>
      <p>Outcome unknown: the earlier run sent this request and stopped before the answer was recorded. Sending again uses the same idempotency key.</p>
      <p className="help">
        Check at the vendor whether it acted, then decide. Idempotency key: <code>{key}</code>
      </p>
      <JsonViewer value={paused.input} label={`Resolved input of ${name}`} openDepth={2} />
      <div className="row">
        <button type="button" onClick={() => void resolveUnknown('resend')} title="Send the request again with the key it was first sent with, so the vendor can tell it is the same">
          Send again (same key)
        </button>
        <button type="button" aria-expanded={marking} aria-controls={marking ? 'mark-done-output' : undefined} onClick={() => setMarking(!marking)} title="It acted: go on with the output the vendor shows, without sending">
          Mark done with output…
        </button>
        <button type="button" className="danger" onClick={() => void resolveUnknown('fail')} title="Fail the node without sending: its error path runs, if it has one">
          Fail
        </button>
      </div>
      {marking ? (
        <OutputEditor id="mark-done" label="Output to mark it done with (JSON; empty for null)" submit="Mark done" choices={choices} onSubmit={(output, port) => void resolveUnknown('mark-done', output, port)} />
      ) : null}
    </section>
  );
}

/** An output typed as JSON and, when the node has several, the port to take: what skip and mark done send. */
function OutputEditor({ id, label, submit, choices, onSubmit }: { id: string; label: string; submit: string; choices: readonly string[]; onSubmit(output: unknown, port: string | undefined): void }) {
  const [output, setOutput] = useState('');
  const [port, setPort] = useState(choices[0] ?? 'out');
  const [error, setError] = useState<string | undefined>();
  return (
    <>
      <label htmlFor={`${id}-output`}>{label}</label>
      <textarea id={`${id}-output`} className="json-input" rows={3} spellCheck={false} value={output} onChange={(event) => setOutput(event.target.value)} />
      {choices.length > 1 ? (
        <>
          <label htmlFor={`${id}-port`}>Port to take</label>
          <select id={`${id}-port`} value={port} onChange={(event) => setPort(event.target.value)}>
            {choices.map((choice) => (
              <option key={choice} value={choice}>
                {choice}
              </option>
            ))}
          </select>
        </>
      ) : null}
      <button
        type="button"
        onClick={() => {
          const parsed = parseJsonText(output, 'The output');
          if (!parsed.ok) return setError(parsed.error);
          setError(undefined);
          onSubmit(parsed.value, choices.length > 1 ? port : undefined);
        }}
      >
        {submit}
      </button>
      {error === undefined ? null : (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/** The selected node in the shown run: status, input, output (copyable paths), error; run from here; pin. */
function SelectedNodeRun({ run }: { run: RunState }) {
  const nodeId = useStore((state) => state.selectedNodeId);
  const sameDocument = useStore((state) => state.playbook?.id === run.playbookId);
  const pin = useStore((state) => state.pin);
  const pinned = useStore((state) => (nodeId === undefined ? false : state.pins[nodeId] !== undefined));
  const nodeType = usePlaybookNode(nodeId ?? '')?.type;
  if (nodeId === undefined) return <p className="muted">Select a node to see its input and output in this run.</p>;
  const node: NodeRunState | undefined = run.nodes[nodeId];
  const name = nodeName(nodeId);
  if (node === undefined) return <p className="muted">{name} is not part of this run.</p>;

  return (
    <section className="node-run" aria-labelledby="node-run-title">
      <h3 id="node-run-title">{name}</h3>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <span className={`status-badge status-${node.status}`}>{nodeStatusLabel(node.status)}</span>
          {node.source === undefined ? null : <span className="badge">{SOURCE_LABELS[node.source]}</span>}
          {node.lab === true ? <LabBadge title={`${name} called a lab twin, not the real vendor`} /> : null}
        </dd>
        <dt>Attempt</dt>
        <dd>{node.attempt === 0 ? '—' : node.attempt}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(node.durationMs)}</dd>
        {node.port === undefined ? null : (
          <>
            <dt>Port</dt>
            <dd>{node.port}</dd>
          </>
        )}
        {node.progress === undefined ? null : (
          <>
            <dt>Items</dt>
            <dd>
              {node.progress.done} of {node.progress.total}
            </dd>
          </>
        )}
      </dl>
      {node.error === undefined ? null : (
        <div className="field-error" role="alert">
          <p>
            {node.error.code}: {node.error.message}
          </p>
        </div>
      )}
      <div className="row">
        <button
          type="button"
          disabled={!sameDocument || isLive(run.status)}
          title="Run this node and everything after it again, reusing this run's outputs upstream"
          onClick={() => void runFromHere(run, nodeId)}
        >
          Run from here
        </button>
        <button type="button" disabled={node.output === undefined || !sameDocument} onClick={() => pin(nodeId)}>
          {pinned ? 'Pin this output instead' : 'Pin output'}
        </button>
      </div>
      <h4>Input</h4>
      {node.input === undefined ? <p className="muted">No input recorded.</p> : <JsonViewer value={node.input} label={`Input of ${name}`} />}
      <h4>Output</h4>
      {node.output === undefined ? (
        <p className="muted">No output yet.</p>
      ) : (
        <>
          {nodeType === REPORT_TYPE && isReportOutput(node.output) ? <ReportView report={node.output} /> : null}
          <p className="help">Click a key to copy its path as an expression.</p>
          <JsonViewer value={node.output} label={`Output of ${name}`} basePath={`nodes.${nodeId}.output`} openDepth={2} />
        </>
      )}
    </section>
  );
}

/** Where a node's output came from, as its badge says it. */
const SOURCE_LABELS: Record<OutputSource, string> = { pin: 'pin', user: 'skipped with output', reused: 'reused', marked: 'marked done' };

/** How the timeline words the decision on a write of unknown outcome. */
const UNKNOWN_DECISIONS: Partial<Record<string, string>> = {
  resend: 'sent again with the same key',
  'mark-done': 'marked done',
  fail: 'failed, not sent again',
};

/** One line of the timeline for people. */
export function describeEvent(event: RunEvent, name: (nodeId: string) => string): string {
  switch (event.type) {
    case 'run.started':
      return `Run started${event.dryRun ? ' (dry run)' : ''}${event.mode === 'step' ? ' in step mode' : ''}`;
    case 'node.started':
      return `${name(event.nodeId)} started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}${event.items === undefined ? '' : ` for ${event.items} items`}`;
    case 'node.log':
      return `${name(event.nodeId)}: ${event.message}`;
    case 'node.progress':
      return `${name(event.nodeId)}: ${event.done} of ${event.total} items`;
    case 'node.item.started':
      return `${name(event.nodeId)}: sending item ${event.index}`;
    case 'node.retrying':
      return `${name(event.nodeId)} failed (${event.error.code}) and retries in ${formatDuration(event.delayMs)}`;
    case 'node.succeeded': {
      const how = event.simulated === true ? 'simulated' : event.source === 'user' ? 'skipped with output' : event.source === 'marked' ? 'marked done' : 'succeeded';
      return `${name(event.nodeId)} ${how} → ${event.port} in ${formatDuration(event.durationMs)}${event.source === 'pin' ? ' (pinned)' : event.source === 'reused' ? ' (reused)' : ''}`;
    }
    case 'node.failed':
      return `${name(event.nodeId)} failed: ${event.error.code} — ${event.error.message}${event.handled ? ' (error path taken)' : ''}`;
    case 'node.skipped':
      return `${name(event.nodeId)} skipped (${event.reason})`;
    case 'run.paused':
      return event.reason === 'unknown-outcome' ? `Paused before ${name(event.nodeId)}: outcome unknown` : `Paused before ${name(event.nodeId)} (${event.reason})`;
    case 'run.resumed': {
      const decision = UNKNOWN_DECISIONS[event.action];
      if (decision === undefined) return `Resumed at ${name(event.nodeId)}: ${event.action}`;
      return `Resumed at ${name(event.nodeId)}: ${decision} (${event.by ?? 'analyst'})`;
    }
    case 'approval.requested': {
      const evidence = (event.evidence ?? []).map(evidenceLine).join(' · ');
      return `${name(event.nodeId)} asks: ${event.prompt}${evidence === '' ? '' : ` — ${evidence}`}`;
    }
    case 'approval.decided':
      return `${name(event.nodeId)}: ${event.decision}${event.by === undefined ? '' : ` by ${event.by}`}${event.comment === undefined ? '' : ` — “${event.comment}”`}`;
    case 'run.finished':
      return `Run ${event.status} in ${formatDuration(event.durationMs)}`;
  }
}

/** Nodes the timeline names after a failed or stopped run; the canvas shows the rest. */
const NOT_RUN_SHOWN = 20;

function Timeline() {
  const timeline = useStore((state) => state.timeline);
  const runNodes = useStore((state) => state.run?.nodes);
  const labRun = useStore((state) => state.run?.lab === true);
  const select = useStore((state) => state.select);
  const nodes = useStore.getState().nodes;
  const name = useMemo(() => nodeNamer(nodes), [nodes]);
  const notRun = useMemo(() => (runNodes === undefined ? [] : notRunNodes(runNodes)), [runNodes]);
  const last = timeline.at(-1);
  const finishedAt = last?.type === 'run.finished' ? last.at : undefined;
  return (
    <section aria-labelledby="timeline-title">
      <h3 id="timeline-title">Timeline{labRun ? <LabBadge title="A lab run: its calls went to the lab’s vendor twins" /> : null}</h3>
      <ol className="timeline" aria-label="Timeline">
        {timeline.map((event) => {
          const text = describeEvent(event, name);
          const nodeId = 'nodeId' in event ? event.nodeId : undefined;
          return (
            <li key={event.seq} className={`event event-${event.type.replace('.', '-')}`}>
              <time dateTime={new Date(event.at).toISOString()}>{formatClock(event.at)}</time>
              {nodeId === undefined ? (
                <span>{text}</span>
              ) : (
                <button type="button" className="link" onClick={() => select(nodeId, { reveal: true })}>
                  {text}
                </button>
              )}
              {isLabEvent(event) ? <LabBadge /> : null}
            </li>
          );
        })}
        {finishedAt === undefined || notRun.length === 0 ? null : (
          <li className="event event-not-run">
            <time dateTime={new Date(finishedAt).toISOString()}>{formatClock(finishedAt)}</time>
            <span>Not run: </span>
            {notRun.slice(0, NOT_RUN_SHOWN).map((nodeId, index) => (
              <span key={nodeId}>
                {index === 0 ? null : ', '}
                <button type="button" className="link" onClick={() => select(nodeId, { reveal: true })}>
                  {name(nodeId)}
                </button>
              </span>
            ))}
            {notRun.length > NOT_RUN_SHOWN ? <span>, … {notRun.length - NOT_RUN_SHOWN} more</span> : null}
          </li>
        )}
      </ol>
    </section>
  );
}
