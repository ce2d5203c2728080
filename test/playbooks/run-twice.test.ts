import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scenario } from '../../lab/scenario.ts';
import type { JiraTwinState } from '../../lab/twins/jira.ts';
import type { MsgraphTwinState } from '../../lab/twins/msgraph.ts';
import type { OktaTwinState } from '../../lab/twins/okta.ts';
import type { PanosTwinState } from '../../lab/twins/panos.ts';
import { SLACK_CHANNELS, type SlackTwinState } from '../../lab/twins/slack.ts';
import type { SplunkTwinState } from '../../lab/twins/splunk.ts';
import type { TheHiveTwinState } from '../../lab/twins/thehive.ts';
import { cli, startCli, tempDir, type CliResult, type RunningCli } from '../host/cli/harness.ts';
import { clearConnectorCaches } from '../support/connector-caches.ts';
import { waitFor } from '../support/wait-for.ts';
import { REPO_ROOT } from './lab-fixture.ts';
import { labControl } from '../support/lab-control.ts';

/**
 * The issue's "done when" for shipped playbooks, as an analyst would do it: one `switchboard lab
 * --json` running, its printout saved to a file, and every shipped playbook run twice in a row
 * against it with `run FILE --credentials <that file> --approve`. Each run must exit 0 and leave its
 * ticket and its message; the second finds the first one's containment done and says so.
 */

interface LabPrintout {
  twins: Array<{ id: string; url: string }>;
  controlToken: string;
}

let lab: RunningCli;
let dir: string;
let labFile: string;
let printout: LabPrintout;

beforeAll(async () => {
  dir = tempDir();
  lab = startCli(['lab', '--json'], { cwd: REPO_ROOT });
  const text = await waitFor(() => (lab.stdout().trimEnd().endsWith('}') ? lab.stdout() : undefined));
  printout = JSON.parse(text) as LabPrintout;
  labFile = path.join(dir, 'lab.json');
  fs.writeFileSync(labFile, text);
});

afterAll(async () => {
  const stopped = await lab.stop();
  expect(stopped.code, stopped.stderr).toBe(0);
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  clearConnectorCaches();
  const reset = await cli(['lab', '--reset', labFile], { cwd: dir });
  expect(reset.code, reset.stderr).toBe(0);
});

/** A twin's state, read over its own control API as any client of the running lab would. */
async function state<S>(twinId: string): Promise<S> {
  const twin = printout.twins.find((t) => t.id === twinId);
  if (!twin) throw new Error(`the lab printed no ${twinId} twin`);
  const response = await labControl({ url: twin.url, controlToken: printout.controlToken }, '/_lab/state');
  return (await response.json()) as S;
}

async function socAlerts(): Promise<string[]> {
  return (await state<SlackTwinState>('slack')).channels[SLACK_CHANNELS.socAlerts]!.messages.map((m) => m.text);
}

async function jiraSummaries(): Promise<string[]> {
  return Object.values((await state<JiraTwinState>('jira')).issues).map((issue) => String(issue.fields['summary']));
}

function run(playbook: string): Promise<CliResult> {
  return cli(['run', `playbooks/${playbook}.playbook.json`, '--credentials', labFile, '--approve', '--workspace', path.join(dir, 'workspace')], { cwd: REPO_ROOT });
}

/** Runs a shipped playbook twice in a row; both must exit 0. */
async function runTwice(playbook: string): Promise<[CliResult, CliResult]> {
  const first = await run(playbook);
  expect(first.code, `first run of ${playbook}: ${first.stdout}${first.stderr}`).toBe(0);
  const second = await run(playbook);
  expect(second.code, `second run of ${playbook}: ${second.stdout}${second.stderr}`).toBe(0);
  return [first, second];
}

describe('every shipped playbook run twice in a row against one switchboard lab --json', () => {
  it('suspicious-login: the second run finds the IP blocked and the user suspended, and still tickets and notifies', async () => {
    await runTwice('suspicious-login');

    const alice = (await state<OktaTwinState>('okta')).users.find((u) => u.profile.login === scenario.login.user);
    expect(alice?.status).toBe('SUSPENDED');
    const panos = await state<PanosTwinState>('panos');
    expect(panos.running.groups[scenario.firewall.blockGroup]!.static).toEqual([`sb-${scenario.login.maliciousIp}`]);

    const summaries = await jiraSummaries();
    expect(summaries).toHaveLength(2);
    for (const summary of summaries) expect(summary).toBe(`Suspicious login: ${scenario.login.user} from ${scenario.login.maliciousIp} on ${scenario.host.hostname}`);
    const [first, second] = await socAlerts();
    expect(first).toContain('Firewall: blocked: ');
    expect(first).toContain('suspended (was ACTIVE)');
    expect(first).toContain('SEC-1');
    expect(second).toContain('Firewall: already blocked: ');
    expect(second).toContain('already SUSPENDED');
    expect(second).toContain('SEC-2');
  }, 60_000);

  it('phishing-response: the second run finds no copy left in an inbox, moves nothing, and still tickets and notifies', async () => {
    await runTwice('phishing-response');

    const graph = await state<MsgraphTwinState>('msgraph');
    expect(graph.moveLog).toHaveLength(2);
    const copies = graph.messages.filter((m) => m.resource['internetMessageId'] === scenario.phishing.internetMessageId);
    expect(copies.map((m) => m.folder)).toEqual(['deleteditems', 'deleteditems']);

    const summaries = await jiraSummaries();
    expect(summaries).toEqual([
      `Phishing quarantined: '${scenario.phishing.subject}' from ${scenario.phishing.sender}`,
      `Phishing already out of every inbox: '${scenario.phishing.subject}' from ${scenario.phishing.sender}`,
    ]);
    const [first, second] = await socAlerts();
    expect(first).toContain('2 of 2 copies moved to Deleted Items');
    expect(first).toContain('SEC-1');
    expect(second).toContain('nothing was moved');
    expect(second).toContain('SEC-2');
  }, 60_000);

  it('vulnerability-response: both runs open the emergency incident and alert #soc-alerts', async () => {
    await runTwice('vulnerability-response');

    const summaries = await jiraSummaries();
    expect(summaries).toHaveLength(2);
    for (const summary of summaries) expect(summary).toContain(`Remediate ${scenario.vulnerability.cve}`);
    const alerts = await socAlerts();
    expect(alerts).toHaveLength(2);
    expect(alerts[0]).toContain('SEC-1');
    expect(alerts[1]).toContain('SEC-2');
  }, 60_000);

  it('incident-investigation: both runs open a TheHive case with its observables and set the notable In Progress', async () => {
    await runTwice('incident-investigation');

    const thehive = await state<TheHiveTwinState>('thehive');
    const cases = Object.values(thehive.cases);
    expect(cases).toHaveLength(2);
    for (const opened of cases) {
      expect(Object.values(thehive.observables).some((o) => o.parent === opened['_id'])).toBe(true);
    }
    const reviews = (await state<SplunkTwinState>('splunk')).reviews;
    expect(reviews).toHaveLength(2);
    for (const review of reviews) expect(review.comment).toContain('indicators added as observables');
    expect(await socAlerts()).toEqual([]);
  }, 60_000);
});
