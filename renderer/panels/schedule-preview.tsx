import { useEffect, useState } from 'react';
import { rpc } from '../rpc/index.ts';
import { formatDateTime } from './format.ts';

/** The node type whose next fires the inspector shows. */
export const SCHEDULE_TRIGGER_TYPE = 'trigger.schedule@1';

type Preview = { describe: string; nextFires: number[] } | { error: string };

/**
 * A schedule trigger's next five fire times, planned by the host from the params as edited (the
 * draft's, before any publish), so the analyst sees what `0 9 * * 1-5` in a time zone means.
 */
export function SchedulePreview({ nodeId, params }: { nodeId: string; params: Record<string, unknown> }) {
  const asked = JSON.stringify(params);
  const [answer, setAnswer] = useState<{ asked: string; preview: Preview }>();

  useEffect(() => {
    let current = true;
    rpc.call('triggers.schedulePreview', { params: JSON.parse(asked) as Record<string, unknown> }).then(
      (preview) => {
        if (current) setAnswer({ asked, preview });
      },
      (error: unknown) => {
        if (current) setAnswer({ asked, preview: { error: error instanceof Error ? error.message : String(error) } });
      },
    );
    return () => {
      current = false;
    };
  }, [asked]);

  const preview = answer?.asked === asked ? answer.preview : undefined;
  return (
    <section className="inspector-section" aria-labelledby={`next-fires-${nodeId}`}>
      <h3 id={`next-fires-${nodeId}`}>Next fires</h3>
      {preview === undefined ? (
        <p className="muted">Planning…</p>
      ) : 'error' in preview ? (
        <p className="muted">Next fires show once the schedule is valid ({preview.error}).</p>
      ) : (
        <>
          <p className="help">
            <code>{preview.describe}</code>, in your local time. Each fire runs the published revision once the playbook is enabled.
          </p>
          <NextFires at={preview.nextFires} />
        </>
      )}
    </section>
  );
}

/** Fire times as a list, each in local time (the inspector's preview and a live trigger's health). */
export function NextFires({ at }: { at: readonly number[] }) {
  return (
    <ol className="next-fires">
      {at.map((time) => (
        <li key={time}>
          <time dateTime={new Date(time).toISOString()}>{formatDateTime(time)}</time>
        </li>
      ))}
    </ol>
  );
}
