import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../engine/format/markdown.ts';
import { scenario } from '../../lab/scenario.ts';
import type { SlackTwinState } from '../../lab/twins/slack.ts';
import type { SplunkTwinState } from '../../lab/twins/splunk.ts';
import type { TheHiveEntity, TheHiveObservable, TheHiveTwinState } from '../../lab/twins/thehive.ts';
import { expectSimulatedWrites, itRunsOnTheCommandLine, socAlerts, useLab, type LabFixture } from './lab-fixture.ts';

const PLAYBOOK = 'incident-investigation';
const lab = useLab();

const { host, login, phishing, users, vulnerability } = scenario;
const MALWARE_NOTABLE_ID = 'B7E8F9A0-2222-4C3D-8E9F-1A2B3C4D5E62@@notable@@9a8b7c6d5e4f30211f2e3d4c5b6a7980';
const PHISHING_DOMAIN = new URL(phishing.maliciousUrl).hostname;

/** A medium notable for bob on build-07: a host without EDR alerts, whose logs hold only clean indicators. */
const BENIGN_NOTABLE_ID = 'D4E5F6A7-4444-4B5C-9D0E-1F2A3B4C5D64@@notable@@2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f';
function benignNotable(): Record<string, unknown> {
  return {
    _time: '2026-11-27T08:06:10.000+00:00',
    event_id: BENIGN_NOTABLE_ID,
    rule_id: BENIGN_NOTABLE_ID,
    rule_name: 'Endpoint - Unusual Process - Rule',
    rule_title: `Unusual process on ${vulnerability.minor.asset.hostname} for bob`,
    security_domain: 'endpoint',
    urgency: 'medium',
    severity: 'medium',
    status: '1',
    status_label: 'New',
    owner: 'unassigned',
    dest: vulnerability.minor.asset.hostname,
    dest_ip: vulnerability.minor.asset.ip,
    user: 'bob',
    index: 'notable',
    sourcetype: 'stash',
  };
}

function cases(fixture: LabFixture): TheHiveEntity[] {
  return Object.values(fixture.twinState<TheHiveTwinState>('thehive').cases);
}

/** The observables of a case, as `dataType value → ioc`. */
function observablesOf(fixture: LabFixture, caseId: string): Record<string, boolean> {
  const all: TheHiveObservable[] = Object.values(fixture.twinState<TheHiveTwinState>('thehive').observables);
  return Object.fromEntries(all.filter((o) => o.parent === caseId).map((o) => [`${o.dataType} ${o.data}`, o['ioc'] as boolean]));
}

/** What this playbook's writes would change: TheHive, the notables' review state, Slack. */
function writableState(fixture: LabFixture) {
  const thehive = fixture.twinState<TheHiveTwinState>('thehive');
  const splunk = fixture.twinState<SplunkTwinState>('splunk');
  return {
    thehive: { cases: thehive.cases, observables: thehive.observables, alerts: thehive.alerts, tasks: thehive.tasks },
    splunk: { notables: splunk.notables, reviews: splunk.reviews },
    slack: fixture.twinState<SlackTwinState>('slack').channels,
  };
}

describe('incident-investigation playbook', () => {
  it('for the malware on WS-ALICE-01 opens a TheHive case with the investigation package and every indicator as an observable, then sets the notable In Progress', async () => {
    const { state } = await lab.runShipped(PLAYBOOK);

    expect(state.status).toBe('succeeded');
    expect(state.nodes['extract_indicators']!.output).toEqual({
      ips: [login.maliciousIp],
      urls: [phishing.maliciousUrl],
      domains: [PHISHING_DOMAIN],
      hashes: [phishing.attachment.sha256, phishing.attachment.md5],
      filenames: [host.detection.fileName],
    });
    const pkg = state.nodes['build_package']!.output as { timeline: Array<{ source: string; event: string }> };
    expect(pkg).toMatchObject({
      verdict: 'malicious',
      severity: 4,
      user: host.user,
      host: { hostname: host.hostname, deviceId: host.deviceId, localIp: host.localIp },
    });
    expect(pkg.timeline[0]).toMatchObject({ source: 'splunk:proxy' });
    expect(pkg.timeline.at(-1)).toMatchObject({ source: 'splunk:auth', event: expect.stringContaining(`success from ${login.maliciousIp}`) });

    const opened = cases(lab);
    expect(opened).toHaveLength(1);
    const theCase = opened[0]!;
    expect(theCase).toMatchObject({ title: `Malware detected on ${host.hostname}: ${host.detection.fileName}`, severity: 4, flag: true });
    expect(theCase['tags']).toEqual(expect.arrayContaining(['verdict:malicious', `host:${host.hostname}`]));
    const description = theCase['description'] as string;
    expect(description).toContain('**Verdict: malicious**: 5 of 6 indicators malicious');
    expect(description).toContain('| malicious | url | `hxxp://paypa1-secure[.]com/login/verify` |');
    expect(description).toContain('100% abuse confidence, 6 reports, Tor exit');
    expect(description).toContain(`user.session.start success from ${login.maliciousIp}`);
    expect(description).toContain('```json');

    expect(observablesOf(lab, theCase._id)).toEqual({
      [`ip ${login.maliciousIp}`]: true,
      [`domain ${PHISHING_DOMAIN}`]: true,
      [`url ${phishing.maliciousUrl}`]: true,
      [`hash ${phishing.attachment.sha256}`]: true,
      [`hash ${phishing.attachment.md5}`]: true,
      [`filename ${host.detection.fileName}`]: false,
      [`hostname ${host.hostname}`]: false,
    });

    const splunk = lab.twinState<SplunkTwinState>('splunk');
    expect(splunk.reviews).toHaveLength(1);
    expect(splunk.reviews[0]).toMatchObject({ rule_id: MALWARE_NOTABLE_ID, status: '2', comment: expect.stringContaining(`TheHive case #${String(theCase['number'])}`) });
    expect(socAlerts(lab)).toEqual([]);

    const report = state.nodes['report']!.output as { title: string; markdown: string };
    expect(state.nodes['report']!.status).toBe('succeeded');
    expect(report.title).toBe(`Investigation: Malware detected on ${host.hostname}: ${host.detection.fileName}`);
    expect(report.markdown).toContain(`- **${host.hostname}** (`);
    expect(report.markdown).toContain(`- **${host.user}**`);
    expect(report.markdown).toContain(`[TheHive case #${String(theCase['number'])}](https://thehive.corp.example/cases/${theCase._id}/details), and the Splunk notable is In Progress.`);
    expect(report.markdown).toContain('| **malicious** | url | `hxxp://paypa1-secure[.]com/login/verify` |');
    expect(report.markdown).toMatch(/\| splunk:auth \| [^\n]*success from /);
    expect(renderMarkdown(report.markdown)).toContain(`<a href="https://thehive.corp.example/cases/${theCase._id}/details"`);
  });

  it('for a host without detections and only clean indicators records a benign verdict: an unflagged case and no IOC', async () => {
    const { state } = await lab.runShipped(PLAYBOOK, { trigger: benignNotable() });

    expect(state.status).toBe('succeeded');
    expect(state.nodes['host_detections']!.output).toMatchObject({ detected: false });
    expect(state.nodes['build_package']!.output).toMatchObject({ verdict: 'benign', severity: 2, user: 'bob' });

    const opened = cases(lab);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ severity: 2, flag: false });
    expect(opened[0]!['tags']).toContain('verdict:benign');
    expect(observablesOf(lab, opened[0]!._id)).toEqual({
      [`ip ${login.benignIp}`]: false,
      [`domain ${new URL(phishing.cleanUrl).hostname}`]: false,
      [`url ${phishing.cleanUrl}`]: false,
      [`hostname ${vulnerability.minor.asset.hostname}`]: false,
    });
    expect(lab.twinState<SplunkTwinState>('splunk').reviews).toMatchObject([{ rule_id: BENIGN_NOTABLE_ID, status: '2' }]);
    expect(socAlerts(lab)).toEqual([]);
    const { timeline } = state.nodes['build_package']!.output as { timeline: Array<{ event: string }> };
    expect(timeline.filter((entry) => entry.event.includes(users.alice.login)), 'only the notable user\'s logs are pulled').toEqual([]);
  });

  it('as a dry run simulates the case, the observables and the notable update, and changes no twin', async () => {
    const before = writableState(lab);

    const { state } = await lab.runShipped(PLAYBOOK, { dryRun: true });

    expect(state.status).toBe('succeeded');
    expect(state.nodes['build_package']!.output).toMatchObject({ verdict: 'malicious' });
    expectSimulatedWrites(lab, PLAYBOOK, state, ['add_observables', 'mark_notable', 'open_case']);

    expect(writableState(lab)).toEqual(before);
    expect(lab.twin('thehive').requests).toEqual([]);
    expect(lab.twin('slack').requests).toEqual([]);
    expect(lab.twin('splunk').requests.some((r) => r.path.includes('notable_update'))).toBe(false);
  });

  it('retries a VirusTotal 500 on a file hash and goes on', async () => {
    await lab.fault('virustotal', { path: '^/api/v3/files/', status: 500, times: 1 });

    const { state } = await lab.runShipped(PLAYBOOK);

    expect(state.status).toBe('succeeded');
    expect(state.nodes['vt_hashes']).toMatchObject({ status: 'succeeded', attempt: 2 });
    expect(cases(lab)).toHaveLength(1);
  });

  it('when MISP is down, takes its error port and still opens the case, saying MISP was not asked', async () => {
    await lab.fault('misp', { path: '^/attributes/restSearch', status: 500 });

    const { state } = await lab.runShipped(PLAYBOOK);

    expect(state.status).toBe('succeeded');
    expect(state.nodes['misp_lookup']!.status).toBe('failed');
    expect(state.nodes['misp_findings']!.output).toMatchObject({ available: false, byValue: {} });
    expect(state.nodes['build_package']!.output).toMatchObject({ verdict: 'malicious' });

    const opened = cases(lab);
    expect(opened).toHaveLength(1);
    expect(opened[0]!['description']).toContain('MISP unavailable');
    expect(observablesOf(lab, opened[0]!._id)[`ip ${login.maliciousIp}`]).toBe(true);
  });

  it('when TheHive keeps failing, posts the package summary to #soc-alerts and leaves the notable as it was', async () => {
    await lab.fault('thehive', { method: 'POST', path: '^/api/v1/case$', status: 500 });

    const { state } = await lab.runShipped(PLAYBOOK);

    expect(state.status).toBe('succeeded');
    expect(state.nodes['open_case']!.status).toBe('failed');
    expect(state.nodes['add_observables']!.status).toBe('skipped');
    expect(state.nodes['mark_notable']!.status).toBe('skipped');
    expect(cases(lab)).toEqual([]);
    expect(lab.twinState<SplunkTwinState>('splunk').reviews).toEqual([]);

    const alerts = socAlerts(lab);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('Could not open a TheHive case');
    expect(alerts[0]).toContain('hxxp://paypa1-secure[.]com/login/verify');
    expect(alerts[0]).toContain(MALWARE_NOTABLE_ID);
    expect((state.nodes['report']!.output as { markdown: string }).markdown).toContain('No case was opened: TheHive refused it (');
  });

  it('when the observables cannot be added, still sets the notable In Progress and tells #soc-alerts what is left', async () => {
    await lab.fault('thehive', { method: 'POST', path: '/observable$', status: 500 });

    const { state } = await lab.runShipped(PLAYBOOK);

    expect(state.status).toBe('succeeded');
    expect(state.nodes['add_observables']!.status).toBe('failed');
    const opened = cases(lab);
    expect(opened).toHaveLength(1);
    const reviews = lab.twinState<SplunkTwinState>('splunk').reviews;
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ rule_id: MALWARE_NOTABLE_ID });
    expect(reviews[0]!.comment).toContain('as observables failed: ');

    const alerts = socAlerts(lab);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain(`TheHive case #${opened[0]!['number'] as number}`);
    expect(alerts[0]).toContain('the indicators were not added as observables');
    expect(alerts[0]).not.toContain('Splunk notable was not set');
  });

  it('when the notable cannot be updated, tells #soc-alerts so', async () => {
    await lab.fault('splunk', { method: 'POST', path: 'notable_update', status: 500 });

    const { state } = await lab.runShipped(PLAYBOOK);

    expect(state.status).toBe('succeeded');
    expect(state.nodes['mark_notable']!.status).toBe('failed');
    expect(cases(lab)).toHaveLength(1);
    const alerts = socAlerts(lab);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('the Splunk notable was not set In Progress');
    expect(alerts[0]).not.toContain('observables (');
  });

  itRunsOnTheCommandLine(lab, PLAYBOOK);
});
