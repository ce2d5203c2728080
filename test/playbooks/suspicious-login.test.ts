import { describe, expect, it } from 'vitest';
import { scenario } from '../../lab/scenario.ts';
import type { JiraTwinState } from '../../lab/twins/jira.ts';
import type { OktaTwinState } from '../../lab/twins/okta.ts';
import type { PanosTwinState } from '../../lab/twins/panos.ts';
import type { SlackTwinState } from '../../lab/twins/slack.ts';
import type { SplunkTwinState } from '../../lab/twins/splunk.ts';
import { adfToText } from '../../nodes/jira/adf.ts';
import { expectSimulatedWrites, itRunsOnTheCommandLine, jiraIssues, socAlerts, useLab, type LabFixture } from './lab-fixture.ts';

const PLAYBOOK = 'suspicious-login';
const lab = useLab();

const { maliciousIp, benignIp } = scenario.login;
const BLOCK_GROUP = scenario.firewall.blockGroup;
const BLOCKED_ADDRESS = `sb-${maliciousIp}`;

/** A webhook delivering a notable for bob signing in from a clean address to build-07, a host without detections. */
const BENIGN_EVENT_ID = 'C3D4E5F6-3333-4A5B-8C9D-0E1F2A3B4C53@@notable@@1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e';
function benignNotable(): Record<string, unknown> {
  const sample = lab.sample(PLAYBOOK) as { body: Record<string, unknown> };
  return { ...sample, body: benignBody(sample.body) };
}

function benignBody(notable: Record<string, unknown>): Record<string, unknown> {
  return {
    ...notable,
    event_id: BENIGN_EVENT_ID,
    rule_id: BENIGN_EVENT_ID,
    rule_title: `Suspicious login for ${scenario.users.bob.login} from ${benignIp} (US)`,
    src: benignIp,
    src_country: 'US',
    user: scenario.users.bob.login,
    dest: scenario.vulnerability.minor.asset.hostname,
    dest_ip: scenario.vulnerability.minor.asset.ip,
  };
}

function oktaStatusOf(fixture: LabFixture, login: string): string | undefined {
  return fixture.twinState<OktaTwinState>('okta').users.find((u) => u.profile.login === login)?.status;
}

/** The parts of the written-to twins that a write would change (not token or rate counters). */
function writableState(fixture: LabFixture) {
  const panos = fixture.twinState<PanosTwinState>('panos');
  const splunk = fixture.twinState<SplunkTwinState>('splunk');
  return {
    panos: { candidate: panos.candidate, running: panos.running, registered: panos.registered, jobs: panos.jobs },
    okta: fixture.twinState<OktaTwinState>('okta').users,
    jira: fixture.twinState<JiraTwinState>('jira').issues,
    slack: fixture.twinState<SlackTwinState>('slack').channels,
    splunk: { notables: splunk.notables, reviews: splunk.reviews },
  };
}

describe('suspicious-login playbook', () => {
  it('on a confirmed compromise blocks the IP, suspends the user, opens a High SEC ticket and notifies #soc-alerts', async () => {
    const { state } = await lab.runShipped(PLAYBOOK);

    expect(state.status).toBe('succeeded');
    expect(state.nodes['verdict']!.output).toMatchObject({ ipMalicious: true, hostSawMalware: true, confirmed: true });

    const panos = lab.twinState<PanosTwinState>('panos');
    expect(panos.running.groups[BLOCK_GROUP]!.static).toContain(BLOCKED_ADDRESS);
    expect(panos.running.addresses[BLOCKED_ADDRESS]!['ip-netmask']).toBe(maliciousIp);

    expect(oktaStatusOf(lab, scenario.login.user)).toBe('SUSPENDED');

    const issues = jiraIssues(lab);
    expect(issues).toHaveLength(1);
    const issue = issues[0]!;
    expect(issue.fields).toMatchObject({
      summary: `Suspicious login: ${scenario.login.user} from ${maliciousIp} on ${scenario.host.hostname}`,
      project: { key: 'SEC' },
      priority: { name: 'High' },
      issuetype: { name: 'Incident' },
    });
    const description = adfToText(issue.fields['description']);
    expect(description).toContain('AbuseIPDB: abuse confidence 100/100');
    expect(description).toContain('9 of 12 engines say malicious');
    expect(description).toContain(scenario.host.detection.fileName);
    expect(description).toContain(`Firewall: blocked: ${BLOCKED_ADDRESS}`);
    expect(description).toContain(`Okta: ${scenario.login.user} suspended (was ACTIVE)`);

    const posted = socAlerts(lab);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('Confirmed suspicious login');
    expect(posted[0]).toContain(issue.key);

    expect(lab.twinState<SplunkTwinState>('splunk').reviews).toEqual([]);
  });

  it('on a clean IP and a host without detections records a benign verdict, closes the notable and contains nothing', async () => {
    const before = writableState(lab);

    const { state } = await lab.runShipped(PLAYBOOK, { trigger: benignNotable() });

    expect(state.status).toBe('succeeded');
    expect(state.nodes['verdict']!.output).toMatchObject({ ipMalicious: false, hostDetections: 0, confirmed: false });
    expect(state.nodes['benign_verdict']!.output).toMatchObject({ verdict: 'benign' });
    for (const id of ['block_ip', 'commit', 'find_user', 'suspend_user', 'create_ticket', 'notify_soc']) {
      expect(state.nodes[id]!.status, id).toBe('skipped');
    }

    const reviews = lab.twinState<SplunkTwinState>('splunk').reviews;
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ rule_id: BENIGN_EVENT_ID, status: '5' });
    expect(reviews[0]!.comment).toContain('Switchboard verdict: benign');

    const after = writableState(lab);
    expect(after.panos).toEqual(before.panos);
    expect(after.okta).toEqual(before.okta);
    expect(after.jira).toEqual(before.jira);
    expect(after.slack).toEqual(before.slack);
  });

  it('as a dry run simulates every write and changes no twin', async () => {
    const before = writableState(lab);

    const { state } = await lab.runShipped(PLAYBOOK, { dryRun: true });

    expect(state.status).toBe('succeeded');
    expectSimulatedWrites(lab, PLAYBOOK, state, ['block_ip', 'commit', 'create_ticket', 'notify_soc', 'suspend_user']);
    expect(state.nodes['verdict']!.output).toMatchObject({ confirmed: true });

    expect(writableState(lab)).toEqual(before);
    expect(lab.twin('panos').requests.every((r) => r.method === 'GET')).toBe(true);
    expect(lab.twin('jira').requests).toEqual([]);
    expect(lab.twin('slack').requests).toEqual([]);
    expect(lab.twin('okta').requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('retries an AbuseIPDB 500 and goes on', async () => {
    await lab.fault('abuseipdb', { path: '^/api/v2/check', status: 500, times: 1 });

    const { state } = await lab.runShipped(PLAYBOOK);

    expect(state.status).toBe('succeeded');
    expect(state.nodes['check_abuseipdb']).toMatchObject({ status: 'succeeded', attempt: 2 });
    expect(lab.twinState<PanosTwinState>('panos').running.groups[BLOCK_GROUP]!.static).toContain(BLOCKED_ADDRESS);
  });

  it('when the firewall keeps failing, says so on Slack and still suspends, tickets and notifies', async () => {
    await lab.fault('panos', { path: '^/api/?$', status: 500 });

    const { state } = await lab.runShipped(PLAYBOOK);

    expect(state.status).toBe('succeeded');
    expect(state.nodes['block_ip']).toMatchObject({ status: 'failed', attempt: 3 });
    expect(state.nodes['commit']!.status).toBe('skipped');
    expect(state.nodes['firewall_outcome']!.output).toMatchObject({ blocked: false });

    expect(lab.twinState<PanosTwinState>('panos').running.groups[BLOCK_GROUP]!.static).toEqual([]);
    expect(oktaStatusOf(lab, scenario.login.user)).toBe('SUSPENDED');

    const issues = jiraIssues(lab);
    expect(issues).toHaveLength(1);
    expect(adfToText(issues[0]!.fields['description'])).toContain('Firewall: NOT blocked');

    const posted = socAlerts(lab);
    expect(posted).toHaveLength(2);
    expect(posted[0]).toContain('Firewall block failed');
    expect(posted[0]).toContain(maliciousIp);
    expect(posted[1]).toContain(issues[0]!.key);
  });

  it('run again on the same notable, finds the IP blocked and the user suspended, changes neither, and still tickets and notifies', async () => {
    await lab.runShipped(PLAYBOOK);
    lab.twin('panos').requests.length = 0;
    lab.twin('okta').requests.length = 0;

    const { state } = await lab.runShipped(PLAYBOOK);

    expect(state.status).toBe('succeeded');
    expect(state.nodes['already_blocked']!.output).toEqual({ result: true });
    expect(state.nodes['is_active']!.output).toEqual({ result: false });
    for (const id of ['block_ip', 'commit', 'notify_block_failed', 'suspend_user']) expect(state.nodes[id]!.status, id).toBe('skipped');
    expect(lab.twin('panos').requests.every((r) => r.method === 'GET')).toBe(true);
    expect(lab.twin('okta').requests.every((r) => r.method === 'GET')).toBe(true);
    expect(state.nodes['firewall_outcome']!.output).toMatchObject({ blocked: true });
    expect(state.nodes['okta_outcome']!.output).toEqual({ suspended: true, detail: 'already SUSPENDED, nothing to change' });

    const issues = jiraIssues(lab);
    expect(issues).toHaveLength(2);
    const description = adfToText(issues[1]!.fields['description']);
    expect(description).toContain(`Firewall: already blocked: ${BLOCKED_ADDRESS} is in address group ${BLOCK_GROUP}`);
    expect(description).toContain('already SUSPENDED');
    const posted = socAlerts(lab);
    expect(posted).toHaveLength(2);
    expect(posted[1]).toContain('already SUSPENDED');
    expect(posted[1]).toContain(issues[1]!.key);
  });

  it('when Okta refuses the suspension, still blocks, tickets and notifies, saying the account was not suspended', async () => {
    await lab.fault('okta', { method: 'POST', path: '/lifecycle/suspend$', status: 403, body: { errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action', errorLink: 'E0000006', errorId: 'oaeLabFault', errorCauses: [] } });

    const { state } = await lab.runShipped(PLAYBOOK);

    expect(state.status).toBe('succeeded');
    expect(state.nodes['suspend_user']).toMatchObject({ status: 'failed', attempt: 1 });
    expect(state.nodes['okta_outcome']!.output).toMatchObject({ suspended: false });
    expect(oktaStatusOf(lab, scenario.login.user)).toBe('ACTIVE');
    expect(lab.twinState<PanosTwinState>('panos').running.groups[BLOCK_GROUP]!.static).toContain(BLOCKED_ADDRESS);

    const issues = jiraIssues(lab);
    expect(issues).toHaveLength(1);
    expect(adfToText(issues[0]!.fields['description'])).toContain(`Okta: ${scenario.login.user} NOT suspended: `);
    const posted = socAlerts(lab);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('NOT suspended');
    expect(posted[0]).toContain(issues[0]!.key);
  });

  it('when Jira keeps failing, still tells #soc-alerts, saying the ticket was not opened', async () => {
    await lab.fault('jira', { method: 'POST', path: '^/rest/api/3/issue$', status: 500 });

    const { state } = await lab.runShipped(PLAYBOOK);

    expect(state.status).toBe('succeeded');
    expect(state.nodes['create_ticket']).toMatchObject({ status: 'failed', attempt: 3 });
    expect(jiraIssues(lab)).toEqual([]);
    const posted = socAlerts(lab);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('Confirmed suspicious login');
    expect(posted[0]).toContain('Ticket: NOT opened (');
  });

  it('when the benign notable cannot be closed, asks #soc-alerts to close it by hand', async () => {
    await lab.fault('splunk', { method: 'POST', path: 'notable_update', status: 500 });

    const { state } = await lab.runShipped(PLAYBOOK, { trigger: benignNotable() });

    expect(state.status).toBe('succeeded');
    expect(state.nodes['close_notable']!.status).toBe('failed');
    const posted = socAlerts(lab);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain(`Could not close Splunk notable ${BENIGN_EVENT_ID}`);
    expect(posted[0]).toContain('Please close it by hand');
  });

  itRunsOnTheCommandLine(lab, PLAYBOOK);
});
