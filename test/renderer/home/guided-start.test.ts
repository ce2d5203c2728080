import { describe, expect, it } from 'vitest';
import type { CredentialView, PlaybookSummary } from '../../../host/protocol/contract.ts';
import { FIRST_PLAYBOOK_ID, guidedStart } from '../../../renderer/home/guided-start.ts';
import type { GuidedStartFacts } from '../../../renderer/home/guided-start.ts';

const suspiciousLogin: PlaybookSummary = {
  id: FIRST_PLAYBOOK_ID,
  name: 'Suspicious login',
  description: '',
  revision: 1,
  tags: [],
  nodeCount: 22,
  updatedAt: 0,
  slots: [
    { slot: 'abuseipdb', connector: 'abuseipdb', credentialId: 'lab-abuseipdb' },
    { slot: 'okta', connector: 'okta', credentialId: 'lab-okta' },
  ],
};

const credential = (id: string, lab: boolean): CredentialView => ({ id, name: id, connector: id.replace('lab-', ''), fields: {}, secretFields: [], updatedAt: 0, ...(lab ? { lab: true } : {}) });

const seeded: GuidedStartFacts = {
  playbooks: [suspiciousLogin],
  runCount: 0,
  credentials: [credential('lab-abuseipdb', true), credential('lab-okta', true)],
  labMode: false,
  labRunning: true,
};

describe('the guided start of a new workspace', () => {
  it('invites to run Suspicious login on the lab when its slots hold the seeded lab credentials', () => {
    expect(guidedStart(seeded)).toEqual({
      playbookId: 'suspicious-login',
      playbookName: 'Suspicious login',
      onLab: true,
      text: 'Open Suspicious login and press Run: it runs on the lab, nothing real is touched.',
    });
  });

  it('promises the lab with Lab on, whatever the slots hold', () => {
    const start = guidedStart({ ...seeded, credentials: [credential('lab-abuseipdb', false)], labMode: true });
    expect(start?.onLab).toBe(true);
  });

  it('does not promise the lab when a slot holds a real credential and Lab is off', () => {
    const start = guidedStart({ ...seeded, credentials: [credential('lab-abuseipdb', true), credential('lab-okta', false)] });
    expect(start?.onLab).toBe(false);
    expect(start?.text).toBe("Open Suspicious login and press Run to see a playbook work. Lab is off and some of its credentials are not the lab's, so turn on Lab beside Run first to keep the run on the lab.");
  });

  it('does not promise the lab when a slot is unbound and Lab is off', () => {
    const unbound = { ...suspiciousLogin, slots: [{ slot: 'okta', connector: 'okta', credentialId: null }] };
    expect(guidedStart({ ...seeded, playbooks: [unbound] })?.onLab).toBe(false);
  });

  it('says so when the lab is not running, even with Lab on', () => {
    const start = guidedStart({ ...seeded, labMode: true, labRunning: false });
    expect(start?.onLab).toBe(false);
    expect(start?.text).toMatch(/The lab is not running on this host, so the run calls the real tools/);
  });

  it('is gone once anything has run, and when the workspace has no Suspicious login', () => {
    expect(guidedStart({ ...seeded, runCount: 1 })).toBeUndefined();
    expect(guidedStart({ ...seeded, playbooks: [{ ...suspiciousLogin, id: 'other' }] })).toBeUndefined();
  });
});
