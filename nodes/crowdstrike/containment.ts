import * as z from 'zod';
import type { ConnectorContext, RunAction } from '../sdk/define-connector.ts';
import { falconRequest, idList } from './client.ts';
import type { FalconEnvelope } from './client.ts';
import { containmentOutput } from './outputs.ts';

type HostAction = 'contain' | 'lift_containment';

/** `resources[]` of `POST /devices/entities/devices-actions/v2` (`msa.AffectedEntity`). */
interface AffectedEntity {
  id: string;
  path?: string;
}

const MAX_IDS = 100;

const containmentInput = z.strictObject({
  ids: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1).max(MAX_IDS)])
    .meta({ title: 'Device IDs' })
    .describe('Device id (AID) or a list of up to 100, as find_hosts returns.'),
});

/**
 * `POST /devices/entities/devices-actions/v2?action_name=…` `{ids}`; Falcon answers 202 Accepted
 * (the generated gofalcon client knows no 200) and the host's status moves through
 * `containment_pending` / `lift_containment_pending` as the sensor acts.
 */
async function performAction(ctx: ConnectorContext, action: HostAction, ids: string[]) {
  const response = await falconRequest<FalconEnvelope<AffectedEntity>>(ctx, {
    method: 'POST',
    url: '/devices/entities/devices-actions/v2',
    params: { action_name: action },
    data: { ids },
  });
  const resources = response.data?.resources ?? [];
  return {
    action_name: action,
    accepted: response.status === 202,
    resources,
    device_ids: resources.map((r) => r.id),
    errors: response.data?.errors ?? [],
  };
}

/** Example answer for one host, shared by both actions. */
function example(action: HostAction) {
  const id = '4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a';
  return { action_name: action, accepted: true, resources: [{ id, path: '' }], device_ids: [id], errors: [] };
}

/** Network-contains hosts: they keep talking to the Falcon cloud only. */
export const containHost: RunAction<typeof containmentInput> = {
  title: 'Contain host',
  description: 'Network-contains hosts so they can reach only the Falcon cloud; status becomes containment_pending, then contained.',
  input: containmentInput,
  effect: 'write',
  idempotent: true,
  output: containmentOutput,
  example: example('contain'),
  run: (ctx, input) => performAction(ctx, 'contain', idList(input.ids)),
};

/** Lifts network containment: the hosts return to normal network access. */
export const liftContainment: RunAction<typeof containmentInput> = {
  title: 'Lift containment',
  description: 'Lifts network containment; status becomes lift_containment_pending, then normal.',
  input: containmentInput,
  effect: 'write',
  idempotent: true,
  output: containmentOutput,
  example: example('lift_containment'),
  run: (ctx, input) => performAction(ctx, 'lift_containment', idList(input.ids)),
};
