import type { CredentialView } from '../../host/protocol/contract.ts';

/** What the LAB mark means, on hover and to screen readers, unless a caller says more. */
const LAB_MEANING = 'Lab: the lab’s vendor twins, not the real tools';

/**
 * The LAB mark of a run, a timeline line, a node or a credential: one look everywhere, so an
 * analyst never takes a twin's answer for the real firewall's.
 */
export function LabBadge({ title = LAB_MEANING }: { title?: string }) {
  return (
    <span className="badge badge-lab" title={title}>
      LAB
    </span>
  );
}

/** A credential as a dropdown option names it, tagged [LAB] when it reaches the lab's twins (options hold text only). */
export function credentialOptionLabel(credential: Pick<CredentialView, 'name' | 'lab'>): string {
  return credential.lab === true ? `${credential.name} [LAB]` : credential.name;
}
