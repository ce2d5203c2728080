import type { Playbook } from '../../../engine/format/playbook.ts';
import { credentialConnectorOf } from '../catalogue-slice.ts';
import { uniqueId } from '../playbook-to-canvas.ts';
import type { CatalogueItem } from '../types.ts';

/** The credential slot a new node uses, and the playbook with that slot in its manifest. */
export interface CredentialBinding {
  slot?: string;
  playbook: Playbook | undefined;
}

/**
 * The slot a node of this action uses: the playbook's existing slot for its connector, else a
 * new one added to the manifest, so every node that needs a credential has one to bind.
 * Actions whose credential is optional, and connectors with none, get no slot.
 */
export function credentialSlotFor(item: CatalogueItem | undefined, playbook: Playbook | undefined): CredentialBinding {
  const connector = item?.action.credentials?.required === false ? undefined : credentialConnectorOf(item);
  if (connector === undefined || playbook === undefined) return { playbook };
  const existing = Object.entries(playbook.credentials).find(([, slot]) => slot.connector === connector);
  if (existing !== undefined) return { slot: existing[0], playbook };
  const slot = uniqueId(connector, new Set(Object.keys(playbook.credentials)));
  return { slot, playbook: { ...playbook, credentials: { ...playbook.credentials, [slot]: { connector } } } };
}
