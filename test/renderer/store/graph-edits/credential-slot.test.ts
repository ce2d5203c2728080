import { describe, expect, it } from 'vitest';
import { credentialSlotFor } from '../../../../renderer/store/graph-edits/credential-slot.ts';
import { actionsByType, sampleGraph } from './graph-fixture.ts';

describe('the credential slot of a new node', () => {
  const playbook = sampleGraph().playbook;

  it("reuses the playbook's slot for the connector", () => {
    expect(credentialSlotFor(actionsByType['virustotal.url_report@1'], playbook)).toEqual({ slot: 'virustotal', playbook });
  });

  it('adds a slot named after the connector when there is none, made unique', () => {
    const taken = { ...playbook!, credentials: { okta: { connector: 'virustotal' } } };
    const binding = credentialSlotFor(actionsByType['okta.suspend_user@1'], taken);
    expect(binding.slot).toBe('okta_2');
    expect(binding.playbook?.credentials).toEqual({ okta: { connector: 'virustotal' }, okta_2: { connector: 'okta' } });
  });

  it('gives none to a connector without credentials, an optional one, or an unknown type', () => {
    expect(credentialSlotFor(actionsByType['core.condition@1'], playbook).slot).toBeUndefined();
    const optional = actionsByType['okta.suspend_user@1']!;
    const item = { ...optional, action: { ...optional.action, credentials: { connector: 'okta', required: false } } };
    expect(credentialSlotFor(item, playbook).slot).toBeUndefined();
    expect(credentialSlotFor(undefined, playbook)).toEqual({ playbook });
  });
});
