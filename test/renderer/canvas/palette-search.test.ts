import { describe, expect, it } from 'vitest';
import { builtinConnectors } from '../../../nodes/registry.ts';
import { describeConnector } from '../../../host/describe-connector.ts';
import { paletteGroups } from '../../../renderer/canvas/categories.ts';
import { matchRank, queryWords, searchCatalogue } from '../../../renderer/canvas/palette-search.ts';
import { catalogue as smallCatalogue } from '../catalogue-fixture.ts';

/** The catalogue the host sends: every shipped connector. */
const catalogue = builtinConnectors.map(describeConnector);

function found(query: string): string[] {
  return searchCatalogue(catalogue, query).map((match) => match.item.action.type);
}

describe('palette search', () => {
  it('shows every action, in catalogue order, for an empty or blank query', () => {
    const all = catalogue.flatMap((connector) => connector.actions.map((action) => action.type));
    expect(found('')).toEqual(all);
    expect(found('   ')).toEqual(all);
  });

  it('finds the firewall actions by category and by what a WAF or security group is', () => {
    const firewall = found('firewall');
    expect(firewall).toEqual(expect.arrayContaining(['panos.block_ip@1', 'panos.tag_ip@1', 'panos.commit@1', 'panos.is_ip_blocked@1']));
    expect(firewall).toEqual(expect.arrayContaining(['aws.add_ip_to_waf_ip_set@1', 'aws.get_waf_ip_set@1', 'aws.revoke_security_group_ingress@1']));
    expect(firewall).not.toContain('aws.list_guardduty_findings@1');
  });

  it('finds the threat-intel actions by their category', () => {
    const threat = found('threat');
    for (const connector of catalogue.filter((entry) => entry.category === 'threat-intel')) {
      expect(threat).toEqual(expect.arrayContaining(connector.actions.map((action) => action.type)));
    }
    expect(found('threat intelligence')).toContain('misp.search_attributes@1');
  });

  it('finds the block and contain actions, those with "block" in the title first', () => {
    const block = found('block');
    expect(block.slice(0, 2)).toEqual(['panos.block_ip@1', 'panos.is_ip_blocked@1']);
    expect(block).toEqual(
      expect.arrayContaining(['panos.tag_ip@1', 'aws.add_ip_to_waf_ip_set@1', 'crowdstrike.contain_host@1', 'okta.suspend_user@1']),
    );
    expect(block).not.toContain('virustotal.ip_report@1');
    expect(block).not.toContain('crowdstrike.host_details@1');
  });

  it('finds actions by vendor name or connector id', () => {
    expect(found('pan-os')).toEqual(['panos.block_ip@1', 'panos.tag_ip@1', 'panos.commit@1', 'panos.is_ip_blocked@1']);
    expect(found('panos')).toEqual(found('pan-os'));
    expect(found('CrowdStrike contain')[0]).toBe('crowdstrike.contain_host@1');
  });

  it('needs every word to match somewhere, ignoring case', () => {
    expect(found('IP REPORT')).toEqual(found('ip report'));
    expect(found('firewall commit')[0]).toBe('panos.commit@1');
    expect(found('firewall commit')).not.toContain('panos.is_ip_blocked@1');
    expect(found('firewall nothing-like-this')).toEqual([]);
  });

  it('ranks a title match above a vendor match, a vendor above a category, a category above a description', () => {
    const [ipReport, urlReport] = smallCatalogue[1]?.actions ?? [];
    const virustotal = smallCatalogue[1];
    if (virustotal === undefined || ipReport === undefined || urlReport === undefined) throw new Error('fixture changed');
    const item = { connector: virustotal, action: ipReport };
    const rank = (query: string) => matchRank(item, queryWords(query));
    expect(rank('address')).toBeLessThan(rank('virustotal') ?? Infinity);
    expect(rank('virustotal')).toBeLessThan(rank('threat') ?? Infinity);
    expect(rank('threat')).toBeLessThan(rank('reputation') ?? Infinity);
    expect(rank('url')).toBeUndefined();
  });
});

describe('palette sections for a search', () => {
  it('keeps the palette order with no query', () => {
    expect(paletteGroups(smallCatalogue, '').map((group) => group.label)).toEqual(['Triggers', 'Flow control', 'Threat intelligence', 'Identity']);
  });

  it('puts the section with the best match first and the best items first within it', () => {
    const groups = paletteGroups(catalogue, 'block');
    expect(groups[0]?.label).toBe('Firewall');
    expect(groups[0]?.items.map((item) => item.action.type)).toEqual(['panos.block_ip@1', 'panos.is_ip_blocked@1', 'panos.tag_ip@1', 'panos.commit@1']);
    expect(groups.map((group) => group.label)).toEqual(expect.arrayContaining(['EDR', 'Identity', 'Cloud']));
  });
});
