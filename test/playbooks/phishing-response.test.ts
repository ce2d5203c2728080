import { describe, expect, it } from 'vitest';
import { scenario } from '../../lab/scenario.ts';
import type { MsgraphTwinState } from '../../lab/twins/msgraph.ts';
import type { SlackTwinState } from '../../lab/twins/slack.ts';
import { adfToText } from '../../nodes/jira/adf.ts';
import { expectSimulatedWrites, jiraIssues, socAlerts, useLab, type LabFixture } from './lab-fixture.ts';

const PLAYBOOK = 'phishing-response';
const lab = useLab();

const { phishing, users } = scenario;

/** The folder each copy of the phishing email is in, by the owner's login. */
function phishingFolders(fixture: LabFixture): Record<string, string[]> {
  const state = fixture.twinState<MsgraphTwinState>('msgraph');
  const loginOf = new Map(state.users.map((u) => [u.id, u.userPrincipalName]));
  const folders: Record<string, string[]> = {};
  for (const message of state.messages) {
    if (message.resource['internetMessageId'] !== phishing.internetMessageId) continue;
    const login = loginOf.get(message.userId) ?? message.userId;
    (folders[login] ??= []).push(message.folder);
  }
  return folders;
}

/** alice reports the internal "Team lunch" email from carol: no links, no attachment. */
function benignReport(): Record<string, unknown> {
  const sample = lab.sample(PLAYBOOK);
  return {
    ...sample,
    messageUrl: `https://graph.microsoft.com/v1.0/users/${users.alice.mailboxId}/messages/AAMkAGI2TG93AAC=`,
    internetMessageId: '<TG93AAC=@corp.example>',
    subject: 'Team lunch on Friday',
    sender: users.carol.login,
    senderIP: '10.20.30.60',
  };
}

describe('phishing-response playbook', () => {
  it('when the analyst approves, quarantines every copy, names the affected users on Slack and opens a ticket', async () => {
    expect(phishingFolders(lab)).toEqual({ [users.alice.login]: ['inbox'], [users.bob.login]: ['inbox'] });

    const { state, events } = await lab.runShipped(PLAYBOOK, { approve: 'approved' });

    expect(state.status).toBe('succeeded');
    expect(state.nodes['verdict']!.output).toMatchObject({
      malicious: true,
      maliciousUrls: [phishing.maliciousUrl],
      maliciousHashes: [phishing.attachment.sha256],
    });
    const request = events.find((e) => e.type === 'approval.requested');
    expect(request).toMatchObject({ nodeId: 'approve_quarantine', prompt: `Quarantine 2 copies of '${phishing.subject}' from ${phishing.sender}?` });

    expect(phishingFolders(lab)).toEqual({ [users.alice.login]: ['deleteditems'], [users.bob.login]: ['deleteditems'] });
    expect(lab.twinState<MsgraphTwinState>('msgraph').moveLog).toHaveLength(2);

    const issues = jiraIssues(lab);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.fields).toMatchObject({
      summary: `Phishing quarantined: '${phishing.subject}' from ${phishing.sender}`,
      project: { key: 'SEC' },
      priority: { name: 'High' },
    });
    const description = adfToText(issues[0]!.fields['description']);
    expect(description).toContain(phishing.maliciousUrl.replace('http', 'hxxp'));
    expect(description).not.toContain(phishing.maliciousUrl);
    expect(description).toContain(phishing.attachment.sha256);
    expect(description).toContain('2 of 2 copies moved to Deleted Items');

    const posted = socAlerts(lab);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('Phishing quarantined');
    expect(posted[0]).toContain(`Affected users: ${users.alice.login}, ${users.bob.login}`);
    expect(posted[0]).toContain(issues[0]!.key);
  });

  it('when the analyst rejects, moves nothing, and opens a ticket and tells #soc-alerts saying so', async () => {
    const { state } = await lab.runShipped(PLAYBOOK, { approve: 'rejected' });

    expect(state.status).toBe('succeeded');
    expect(state.nodes['approve_quarantine']!.output).toEqual({ decision: 'rejected' });
    expect(state.nodes['quarantine']!.status).toBe('skipped');

    expect(phishingFolders(lab)).toEqual({ [users.alice.login]: ['inbox'], [users.bob.login]: ['inbox'] });
    const graph = lab.twinState<MsgraphTwinState>('msgraph');
    expect(graph.moveLog).toEqual([]);
    expect(lab.twin('msgraph').requests.filter((r) => r.path.endsWith('/move'))).toEqual([]);

    const issues = jiraIssues(lab);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.fields).toMatchObject({
      summary: `Phishing not quarantined (rejected): '${phishing.subject}' from ${phishing.sender}`,
      priority: { name: 'Medium' },
    });
    expect(adfToText(issues[0]!.fields['description'])).toContain('No messages were moved; 2 copies remain in the inboxes');
    const posted = socAlerts(lab);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('Phishing not quarantined (rejected)');
    expect(posted[0]).toContain(issues[0]!.key);
  });

  it('on a clean report asks no one, moves nothing and posts an all-clear', async () => {
    const { state, events } = await lab.runShipped(PLAYBOOK, { trigger: benignReport() });

    expect(state.status).toBe('succeeded');
    expect(state.nodes['extract_iocs']!.output).toMatchObject({ urls: [], hashes: [], sender: users.carol.login });
    expect(state.nodes['check_urls']!.output).toEqual([]);
    expect(state.nodes['verdict']!.output).toMatchObject({ malicious: false });
    expect(events.some((e) => e.type === 'approval.requested')).toBe(false);

    const posted = socAlerts(lab);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain("Reported email 'Team lunch on Friday'");
    expect(posted[0]).toContain('looks clean');
    expect(lab.twinState<MsgraphTwinState>('msgraph').moveLog).toEqual([]);
    expect(jiraIssues(lab)).toEqual([]);
  });

  it('as an approved dry run simulates every write and changes no twin', async () => {
    const before = { messages: lab.twinState<MsgraphTwinState>('msgraph').messages, slack: lab.twinState<SlackTwinState>('slack').channels };

    const { state } = await lab.runShipped(PLAYBOOK, { dryRun: true, approve: 'approved' });

    expect(state.status).toBe('succeeded');
    expectSimulatedWrites(lab, PLAYBOOK, state, ['notify_soc', 'open_ticket', 'quarantine']);

    const graph = lab.twinState<MsgraphTwinState>('msgraph');
    expect(graph.messages).toEqual(before.messages);
    expect(graph.moveLog).toEqual([]);
    expect(lab.twin('msgraph').requests.filter((r) => r.path.endsWith('/move'))).toEqual([]);
    expect(lab.twinState<SlackTwinState>('slack').channels).toEqual(before.slack);
    expect(lab.twin('slack').requests).toEqual([]);
    expect(lab.twin('jira').requests).toEqual([]);
  });

  it('retries a quarantine move that failed with a 500 and moves each copy once', async () => {
    await lab.fault('msgraph', { method: 'POST', path: '/move$', status: 500, times: 1 });

    const { state } = await lab.runShipped(PLAYBOOK, { approve: 'approved' });

    expect(state.status).toBe('succeeded');
    expect(state.nodes['quarantine']).toMatchObject({ status: 'succeeded', attempt: 2 });
    expect(phishingFolders(lab)).toEqual({ [users.alice.login]: ['deleteditems'], [users.bob.login]: ['deleteditems'] });
    expect(lab.twinState<MsgraphTwinState>('msgraph').moveLog).toHaveLength(2);
  });

  it('run again on the same report, finds the reported copy in Deleted Items, asks no one, moves nothing, and still tickets and notifies', async () => {
    await lab.runShipped(PLAYBOOK, { approve: 'approved' });

    const { state, events } = await lab.runShipped(PLAYBOOK, { approve: 'approved' });

    expect(state.status).toBe('succeeded');
    expect(state.nodes['get_message']!.output).toMatchObject({ internetMessageId: phishing.internetMessageId, subject: phishing.subject });
    expect(state.nodes['verdict']!.output).toMatchObject({ malicious: true });
    expect(state.nodes['find_copies']!.output).toMatchObject({ count: 0 });
    expect(events.some((e) => e.type === 'approval.requested')).toBe(false);
    expect(state.nodes['approve_quarantine']!.status).toBe('skipped');
    expect(state.nodes['quarantine']!.status).toBe('skipped');
    expect(lab.twinState<MsgraphTwinState>('msgraph').moveLog).toHaveLength(2);
    expect(phishingFolders(lab)).toEqual({ [users.alice.login]: ['deleteditems'], [users.bob.login]: ['deleteditems'] });

    const issues = jiraIssues(lab);
    expect(issues.map((i) => i.fields.summary)).toEqual([
      `Phishing quarantined: '${phishing.subject}' from ${phishing.sender}`,
      `Phishing already out of every inbox: '${phishing.subject}' from ${phishing.sender}`,
    ]);
    expect(adfToText(issues[1]!.fields['description'])).toContain(phishing.attachment.sha256);
    const posted = socAlerts(lab);
    expect(posted).toHaveLength(2);
    expect(posted[1]).toContain('nothing was moved');
    expect(posted[1]).toContain(issues[1]!.key);
  });

  it('when a move keeps failing, opens a High ticket and tells #soc-alerts that copies may remain', async () => {
    await lab.fault('msgraph', { method: 'POST', path: '/move$', status: 403, body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' } } });

    const { state } = await lab.runShipped(PLAYBOOK, { approve: 'approved' });

    expect(state.status).toBe('succeeded');
    expect(state.nodes['quarantine']!.status).toBe('failed');
    expect(phishingFolders(lab)).toEqual({ [users.alice.login]: ['inbox'], [users.bob.login]: ['inbox'] });
    const issues = jiraIssues(lab);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.fields).toMatchObject({ summary: `Phishing NOT quarantined (move failed): '${phishing.subject}' from ${phishing.sender}`, priority: { name: 'High' } });
    const posted = socAlerts(lab);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('the move failed');
    expect(posted[0]).toContain('quarantine them by hand');
  });

  it('when Jira keeps failing, still tells #soc-alerts, saying the ticket was not opened', async () => {
    await lab.fault('jira', { method: 'POST', path: '^/rest/api/3/issue$', status: 500 });

    const { state } = await lab.runShipped(PLAYBOOK, { approve: 'approved' });

    expect(state.status).toBe('succeeded');
    expect(state.nodes['open_ticket']!.status).toBe('failed');
    expect(jiraIssues(lab)).toEqual([]);
    const posted = socAlerts(lab);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('Phishing quarantined');
    expect(posted[0]).toContain('Ticket: NOT opened (');
  });

  it('runs from the command line on the lab: rejected without a terminal, approved with --approve, and as a dry run', async () => {
    const file = `playbooks/${PLAYBOOK}.playbook.json`;
    const variants = [[], ['--approve'], ['--dry-run'], ['--dry-run', '--approve']];
    const results = await Promise.all(variants.map((flags) => lab.runCli(['run', file, '--lab', ...flags])));
    results.forEach((result, i) => {
      const flags = variants[i]!;
      expect(result.code, `${flags.join(' ')}: ${result.stderr}`).toBe(0);
      expect(result.stdout).toContain(flags.includes('--approve') ? 'approved by' : 'rejected by');
    });
  }, 60_000);
});
