import { useEffect, useMemo, useState } from 'react';
import type { PlaybookNode } from '../../engine/format/playbook.ts';
import { isTriggerType } from '../store/catalogue-slice.ts';
import { useStore } from '../store/index.ts';
import type { PlaybookTriggersView } from '../store/types.ts';
import { EventsView } from './events-view.tsx';
import { formatDateTime, sentence } from './format.ts';
import { copyText } from './json-viewer.tsx';
import { LabBadge } from './lab-badge.tsx';
import { NextFires, SCHEDULE_TRIGGER_TYPE, SchedulePreview } from './schedule-preview.tsx';
import { webhookCurl } from './webhook-curl.ts';
import type { CurlVerification } from './webhook-curl.ts';

/** How often trigger health is re-read while the panel is shown (a refused signature makes no event). */
const HEALTH_POLL_MS = 3_000;

type Health = PlaybookTriggersView['triggers'][number];

/** The verification a webhook trigger uses, read as the host does: its own, else bearer on secretHeader, else standard-webhooks. */
function webhookVerificationOf(params: Record<string, unknown>): CurlVerification {
  const chosen = params['verification'];
  if (typeof chosen === 'object' && chosen !== null && typeof (chosen as { type?: unknown }).type === 'string') return chosen as CurlVerification;
  if (typeof params['secretHeader'] === 'string') return { type: 'bearer', header: params['secretHeader'] };
  return { type: 'standard-webhooks' };
}

/** The URL in a webhook's health text (`POST http://127.0.0.1:8787/hooks/x (none)`). */
function urlOfDescribe(describe: string): string | undefined {
  return /(https?:\/\/\S+)/.exec(describe)?.[1];
}

/**
 * The Triggers tab: per open playbook, Enable/Disable and Publish, then each trigger with its
 * health (red with the last error when failing, so nothing fails silently), a webhook's URL,
 * verification, secret slot and a signed `curl` example, a schedule's next fires; then the inbox.
 */
export function TriggersPanel() {
  const playbookId = useStore((state) => state.playbook?.id);
  const refreshTriggers = useStore((state) => state.refreshTriggers);

  useEffect(() => {
    if (playbookId === undefined) return;
    const quiet = () => undefined;
    refreshTriggers().catch(quiet);
    const timer = setInterval(() => refreshTriggers().catch(quiet), HEALTH_POLL_MS);
    return () => clearInterval(timer);
  }, [playbookId, refreshTriggers]);

  return (
    <div className="triggers-panel">
      {playbookId === undefined ? <p className="muted">Open a playbook to see its triggers.</p> : <PlaybookTriggers playbookId={playbookId} />}
      <EventsView />
    </div>
  );
}

function PlaybookTriggers({ playbookId }: { playbookId: string }) {
  const state = useStore((s) => s.triggerStates.find((item) => item.playbookId === playbookId));
  const dirty = useStore((s) => s.dirty);
  const save = useStore((s) => s.save);
  const setTriggersEnabled = useStore((s) => s.setTriggersEnabled);
  const publishPlaybook = useStore((s) => s.publishPlaybook);
  const notify = useStore((s) => s.notify);
  const nodes = useStore((s) => s.nodes);
  const actionsByType = useStore((s) => s.actionsByType);
  const [busy, setBusy] = useState(false);
  const triggers = useMemo(
    () =>
      nodes.flatMap((node) =>
        node.type === 'playbook' && node.data.node.type !== 'trigger.manual@1' && isTriggerType(node.data.node.type, actionsByType[node.data.node.type]?.action)
          ? [node.data.node]
          : [],
      ),
    [nodes, actionsByType],
  );

  async function act(what: string, action: () => Promise<void>): Promise<void> {
    setBusy(true);
    try {
      // Publish and enable take the saved playbook: save the edits first, as Run does.
      if (useStore.getState().dirty) await save();
      if (useStore.getState().dirty) return;
      await action();
    } catch (error) {
      notify('error', `Could not ${what}: ${sentence(error)}`);
    } finally {
      setBusy(false);
    }
  }

  const enabled = state?.enabled === true;
  const published = state?.publishedRevision;
  const draftDiffers = published !== undefined && (state?.draft === true || dirty);
  return (
    <section aria-labelledby="triggers-heading">
      <h3 id="triggers-heading">Triggers</h3>
      <p role="status" className={enabled ? 'trigger-live' : 'muted'}>
        {state === undefined
          ? 'Reading the trigger state…'
          : enabled
            ? `Enabled: live triggers run published r${published ?? '?'}.`
            : published === undefined
              ? 'Disabled, never published: nothing fires.'
              : `Disabled: nothing fires (published r${published}).`}
      </p>
      {draftDiffers ? <p className="draft-note">Draft differs from published r{published}: live triggers run r{published} until you publish.</p> : null}
      <div className="row">
        <button type="button" className={enabled ? 'danger' : 'primary'} disabled={busy || state === undefined} onClick={() => void act(enabled ? 'disable' : 'enable', () => setTriggersEnabled(playbookId, !enabled))}>
          {enabled ? 'Disable' : 'Enable'}
        </button>
        <button
          type="button"
          disabled={busy || state === undefined || (published !== undefined && !draftDiffers)}
          title="Make the saved playbook the revision live triggers run"
          onClick={() => void act('publish', () => publishPlaybook(playbookId))}
        >
          Publish
        </button>
      </div>
      {triggers.length === 0 ? (
        <p className="muted">This playbook has only a manual trigger: add a webhook or schedule trigger to run it unattended.</p>
      ) : (
        <ul className="item-list trigger-list" aria-label="Triggers of this playbook">
          {triggers.map((node) => (
            <TriggerItem key={node.id} node={node} health={state?.triggers.find((item) => item.triggerNodeId === node.id)} enabled={enabled} />
          ))}
        </ul>
      )}
    </section>
  );
}

function TriggerItem({ node, health, enabled }: { node: PlaybookNode; health: Health | undefined; enabled: boolean }) {
  const failing = health?.state === 'failing';
  const stateText = health === undefined ? (enabled ? 'not live (publish to make it live)' : 'off') : failing ? 'failing' : health.state === 'ok' ? 'live' : health.state;
  return (
    <li aria-label={`Trigger ${node.name}`} className={failing ? 'trigger-failing' : undefined}>
      <div className="row">
        <strong>{node.name}</strong>
        <span className="muted">{node.type}</span>
        <span className={`status-badge ${failing ? 'status-failed' : health?.state === 'ok' ? 'status-succeeded' : 'status-idle'} push-right`}>{stateText}</span>
      </div>
      {failing ? (
        <p className="field-error" role="alert">
          {health.lastError ?? 'Failing'}
          {health.consecutiveFailures > 0 ? ` (${health.consecutiveFailures} in a row)` : ''}
        </p>
      ) : null}
      {node.type === 'trigger.webhook@1' ? (
        <WebhookDetails node={node} health={health} />
      ) : node.type === SCHEDULE_TRIGGER_TYPE ? (
        <ScheduleDetails node={node} health={health} />
      ) : health === undefined ? null : (
        <p>
          <code>{health.describe}</code>
        </p>
      )}
      {health === undefined ? null : <HealthFacts health={health} />}
    </li>
  );
}

function HealthFacts({ health }: { health: Health }) {
  const counts = Object.entries(health.counts ?? {}).filter(([, count]) => count > 0);
  return (
    <p className="muted">
      {health.lastEventAt === undefined ? 'No event yet' : `Last event ${formatDateTime(health.lastEventAt)}`}
      {health.lastSuccessAt === undefined ? '' : ` · last success ${formatDateTime(health.lastSuccessAt)}`}
      {counts.length === 0 ? '' : ` · ${counts.map(([name, count]) => `${count} ${name}`).join(', ')}`}
    </p>
  );
}

function WebhookDetails({ node, health }: { node: PlaybookNode; health: Health | undefined }) {
  const notify = useStore((state) => state.notify);
  const binding = useStore((state) => state.slots.find((slot) => slot.slot === node.credential));
  const credential = useStore((state) => state.credentials.find((item) => item.id === binding?.credentialId));
  const params = node.params as Record<string, unknown>;
  const verification = webhookVerificationOf(params);
  const method = typeof params['method'] === 'string' ? params['method'] : 'POST';
  const path = typeof params['path'] === 'string' ? params['path'] : '';
  const url = health === undefined ? undefined : urlOfDescribe(health.describe);
  const curl = url === undefined ? undefined : webhookCurl({ url, method, verification, slot: node.credential });

  async function copy(text: string, what: string): Promise<void> {
    try {
      await copyText(text);
      notify('info', `${what} copied.`);
    } catch (error) {
      notify('error', `Could not copy: ${sentence(error)}`);
    }
  }

  return (
    <>
      {url === undefined ? (
        <p className="muted">
          URL once live: <code>/hooks/{path}</code> on the webhook listener.
        </p>
      ) : (
        <div className="row">
          <label className="visually-hidden" htmlFor={`hook-url-${node.id}`}>
            Webhook URL of {node.name}
          </label>
          <input id={`hook-url-${node.id}`} className="hook-url" readOnly value={url} onFocus={(event) => event.target.select()} />
          <button type="button" onClick={() => void copy(url, 'Webhook URL')} aria-label={`Copy the webhook URL of ${node.name}`}>
            Copy
          </button>
        </div>
      )}
      <p>
        {method} · verification <code>{verification.type}</code>
        {verification.type === 'none' ? (
          <span className="badge badge-unverified" title="Anyone who can reach the listener can start this playbook; allowed on a loopback listener only">
            unverified
          </span>
        ) : null}
      </p>
      {verification.type === 'none' ? null : node.credential === undefined ? (
        <p className="field-error">No credential slot: requests are refused until a webhook credential is bound to this trigger (Inspector).</p>
      ) : binding === undefined || binding.credentialId === null ? (
        <p className="field-error">Secret slot {node.credential} is not bound: requests are refused (401) until a webhook credential is bound.</p>
      ) : (
        <p>
          Secret in slot <code>{node.credential}</code>: credential {credential?.name ?? binding.credentialId}
          {credential?.lab === true ? <LabBadge title="A lab credential: its secret is a lab value" /> : null}
        </p>
      )}
      {curl === undefined ? null : (
        <details className="curl-example">
          <summary>Example request (curl)</summary>
          <p className="help">{verification.type === 'none' ? 'Unsigned.' : 'Signs the sample body; export WEBHOOK_SECRET with the slot’s secret first (it is never shown here).'}</p>
          <pre aria-label={`curl example for ${node.name}`}>{curl}</pre>
          <button type="button" onClick={() => void copy(curl, 'curl example')}>
            Copy curl
          </button>
        </details>
      )}
    </>
  );
}

function ScheduleDetails({ node, health }: { node: PlaybookNode; health: Health | undefined }) {
  if (health?.nextFires === undefined) return <SchedulePreview nodeId={node.id} params={node.params as Record<string, unknown>} />;
  return (
    <section aria-labelledby={`live-fires-${node.id}`}>
      <h4 id={`live-fires-${node.id}`}>Next fires</h4>
      <p className="help">
        <code>{health.describe}</code>, live, in your local time.
      </p>
      <NextFires at={health.nextFires} />
    </section>
  );
}
