import { useMemo } from 'react';
import type { RunEvent } from '../../engine/run/events.ts';
import { useStore } from '../store/index.ts';

/** Words one event of the timeline for people (the run panel's `describeEvent`). */
export type DescribeEvent = (event: RunEvent, name: (nodeId: string) => string) => string;

/**
 * Steps through a finished run's recorded events one at a time, forward and back: the canvas
 * (node statuses, taken and dead edges) and the timeline show the run as it stood after that event.
 */
export function ReplayScrubber({ describe }: { describe: DescribeEvent }) {
  const replay = useStore((state) => state.replay);
  const scrubTo = useStore((state) => state.scrubTo);
  const nodes = useStore.getState().nodes;
  const name = useMemo(() => {
    const names = new Map<string, string>();
    for (const node of nodes) if (node.type === 'playbook') names.set(node.id, node.data.node.name);
    return (nodeId: string) => names.get(nodeId) ?? nodeId;
  }, [nodes]);
  if (replay === undefined || replay.events.length === 0) return null;
  const total = replay.events.length;
  const at = replay.cursor;
  const event = replay.events[at - 1];

  return (
    <section className="replay" aria-labelledby="replay-title">
      <h3 id="replay-title">Replay</h3>
      <div className="row" role="group" aria-label="Step through the run">
        <button type="button" aria-label="First event" disabled={at <= 1} onClick={() => scrubTo(1)}>
          First
        </button>
        <button type="button" aria-label="Back one event" disabled={at <= 1} onClick={() => scrubTo(at - 1)}>
          Back
        </button>
        <button type="button" aria-label="Forward one event" disabled={at >= total} onClick={() => scrubTo(at + 1)}>
          Forward
        </button>
        <button type="button" aria-label="Last event" disabled={at >= total} onClick={() => scrubTo(total)}>
          Last
        </button>
      </div>
      <label htmlFor="replay-cursor">Event shown</label>
      <input
        id="replay-cursor"
        type="range"
        min={1}
        max={total}
        step={1}
        value={at}
        aria-valuetext={`Event ${at} of ${total}`}
        onChange={(change) => scrubTo(Number(change.target.value))}
      />
      <p className="replay-position" aria-live="polite">
        Event {at} of {total}
        {event === undefined ? '' : `: ${describe(event, name)}`}
      </p>
    </section>
  );
}
