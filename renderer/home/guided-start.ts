import type { CredentialView, PlaybookSummary } from '../../host/protocol/contract.ts';

/** The shipped playbook a new workspace is invited to run first (playbooks/suspicious-login.playbook.json). */
export const FIRST_PLAYBOOK_ID = 'suspicious-login';

/** What the guided start says, and which playbook its button opens. */
export interface GuidedStart {
  playbookId: string;
  playbookName: string;
  /** Whether a run would stay on the lab: the sentence promises that only when it is true. */
  onLab: boolean;
  text: string;
}

export interface GuidedStartFacts {
  playbooks: readonly PlaybookSummary[];
  /** Runs the workspace knows of (its playbooks' newest runs will do): the guided start is for a workspace that never ran anything. */
  runCount: number;
  credentials: readonly CredentialView[];
  /** The editor's Lab toggle (runs started from the editor go to the lab's twins). */
  labMode: boolean;
  /** The lab's twins are up in this host. */
  labRunning: boolean;
}

/**
 * The short guided start of a new workspace, or undefined once anything has run (or when the
 * first playbook is not in the workspace). It promises the lab only when a run would really use
 * it: the lab is up, and Lab is on or every credential slot of the playbook holds a lab credential.
 */
export function guidedStart(facts: GuidedStartFacts): GuidedStart | undefined {
  if (facts.runCount > 0) return undefined;
  const playbook = facts.playbooks.find((candidate) => candidate.id === FIRST_PLAYBOOK_ID);
  if (playbook === undefined) return undefined;
  const labIds = new Set(facts.credentials.filter((credential) => credential.lab === true).map((credential) => credential.id));
  const allSlotsOnLab = playbook.slots.every((slot) => slot.credentialId !== null && labIds.has(slot.credentialId));
  const onLab = facts.labRunning && (facts.labMode || allSlotsOnLab);
  const open = `Open ${playbook.name} and press Run`;
  const text = onLab
    ? `${open}: it runs on the lab, nothing real is touched.`
    : !facts.labRunning
      ? `${open} to see a playbook work. The lab is not running on this host, so the run calls the real tools its credentials point at.`
      : `${open} to see a playbook work. Lab is off and some of its credentials are not the lab's, so turn on Lab beside Run first to keep the run on the lab.`;
  return { playbookId: playbook.id, playbookName: playbook.name, onLab, text };
}
