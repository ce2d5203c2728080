import { describe, expect, it } from 'vitest';
import { folderIdOf, msgraphLabCredentials, msgraphTwin } from '../../../lab/twins/msgraph.ts';
import { scenario } from '../../../lab/scenario.ts';
import { refreshAt } from '../../../nodes/msgraph/auth.ts';
import { msgraphConnector } from '../../../nodes/msgraph/index.ts';
import { mapConcurrent } from '../../../nodes/msgraph/map-concurrent.ts';
import { extractUrls } from '../../../nodes/msgraph/message-content.ts';
import { combinedFilter, quoteSearch } from '../../../nodes/msgraph/search-messages.ts';
import { useTwin } from '../../support/twin-fixture.ts';

const alice = scenario.users.alice;
const bob = scenario.users.bob;
const carol = scenario.users.carol;
const phishing = scenario.phishing;
const TOKEN_PATH = `/${scenario.org.tenantId}/oauth2/v2.0/token`;

const { twin, credentials, run, simulate, fault, rateLimit } = useTwin(msgraphConnector, msgraphTwin, msgraphLabCredentials);

const tokenRequests = () => twin().requests.filter((r) => r.method === 'POST' && r.path === TOKEN_PATH).length;

interface Message {
  id: string;
  subject: string;
  mailbox?: string;
  parentFolderId: string;
}

describe('msgraph.search_messages', () => {
  it('points the lab credential at the twin: Graph under /v1.0, the token endpoint at the root', () => {
    expect(credentials()['baseUrl']).toBe(`${twin().url}/v1.0`);
    expect(credentials()['loginBaseUrl']).toBe(twin().url);
  });

  it("finds the phishing email in alice's mailbox by sender", async () => {
    const { node } = await run('search_messages', { userId: alice.login, from: phishing.sender });
    expect(node.status).toBe('succeeded');
    const output = node.output as { userId: string; count: number; truncated: boolean; messages: Message[] };
    expect(output).toMatchObject({ userId: alice.login, count: 1, truncated: false });
    expect(output.messages[0]).toMatchObject({ id: phishing.messageId, subject: phishing.subject, hasAttachments: true });
    expect(output.messages[0]).not.toHaveProperty('body');
  });

  it('follows @odata.nextLink until the limit', async () => {
    const { node } = await run('search_messages', { userId: alice.mailboxId, $top: 1, limit: 2 });
    expect(node.status).toBe('succeeded');
    const output = node.output as { count: number; truncated: boolean; messages: Message[] };
    expect(output.count).toBe(2);
    expect(output.truncated).toBe(true);
    expect(output.messages.map((m) => m.id)).toEqual([phishing.messageId, 'AAMkAGI2TG93AAC=']);
    expect(twin().requests.filter((r) => r.path.endsWith('/messages'))).toHaveLength(2);
  });

  it('searches with KQL $search (the malicious domain in the body)', async () => {
    const { node } = await run('search_messages', { userId: bob.login, $search: 'paypa1-secure.com' });
    expect(node.status).toBe('succeeded');
    const output = node.output as { count: number; messages: Message[] };
    expect(output.count).toBe(1);
    expect(output.messages[0]?.subject).toBe(phishing.subject);
  });

  it('refuses $search together with a sender filter before calling Graph', async () => {
    const { node } = await run('search_messages', { userId: bob.login, $search: 'invoice', from: phishing.sender });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('INVALID_INPUT');
    expect(twin().requests).toHaveLength(0);
  });
});

describe('msgraph.search_all_mailboxes', () => {
  it('searches every mailbox of the tenant and returns the matches with their mailbox', async () => {
    const { node } = await run('search_all_mailboxes', { from: phishing.sender });
    expect(node.status).toBe('succeeded');
    const output = node.output as { mailboxesSearched: number; mailboxesWithMatches: string[]; count: number; matches: Message[]; skipped: unknown[] };
    expect(output.mailboxesSearched).toBe(4);
    expect(output.mailboxesWithMatches).toEqual([alice.login, bob.login]);
    expect(output.count).toBe(2);
    expect(output.matches.map((m) => m.mailbox)).toEqual([alice.login, bob.login]);
    expect(output.skipped).toEqual([]);
    expect(twin().requests.some((r) => r.method === 'GET' && r.path === '/v1.0/users')).toBe(true);
    expect(twin().requests.some((r) => r.path.includes(encodeURIComponent(carol.login)))).toBe(true);
  });

  it('reports a mailbox that does not exist as skipped and searches the rest', async () => {
    const { node } = await run('search_all_mailboxes', { mailboxes: [carol.login, 'mallory@corp.example', bob.login], $search: phishing.maliciousUrl.replace('http://', '') });
    expect(node.status).toBe('succeeded');
    const output = node.output as { mailboxesSearched: number; mailboxesWithMatches: string[]; skipped: Array<{ mailbox: string; reason: string }> };
    expect(output.mailboxesWithMatches).toEqual([bob.login]);
    expect(output.mailboxesSearched).toBe(2);
    expect(output.skipped).toHaveLength(1);
    expect(output.skipped[0]?.mailbox).toBe('mallory@corp.example');
    expect(output.skipped[0]?.reason).toContain("ErrorInvalidUser: The requested user 'mallory@corp.example' is invalid.");
  });

  it('keeps at most the asked number of mailboxes in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapConcurrent([1, 2, 3, 4, 5, 6, 7, 8, 9], 4, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5 * (n % 3)));
      inFlight--;
      return n * 2;
    });
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(peak).toBe(4);
  });
});

describe('msgraph.get_message', () => {
  it('returns the body URLs and the attachment hashes of the reported email', async () => {
    const { node } = await run('get_message', { userId: alice.login, messageId: phishing.messageId });
    expect(node.status).toBe('succeeded');
    const output = node.output as { subject: string; internetMessageId: string; urls: string[]; attachments: Array<Record<string, unknown>> };
    expect(output.subject).toBe(phishing.subject);
    expect(output.internetMessageId).toBe(phishing.internetMessageId);
    expect(output.urls).toEqual([phishing.maliciousUrl, phishing.cleanUrl]);
    expect(output.attachments).toHaveLength(1);
    expect(output.attachments[0]).toMatchObject({
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: phishing.attachment.name,
      contentType: phishing.attachment.contentType,
      size: phishing.attachment.size,
      isInline: false,
      sha256: phishing.attachment.sha256,
      sha1: phishing.attachment.sha1,
      md5: phishing.attachment.md5,
    });
    expect(output.attachments[0]).not.toHaveProperty('contentBytes');
    expect(twin().requests.find((r) => r.path.includes('/messages/'))?.path).toBe(`/v1.0/users/${encodeURIComponent(alice.login)}/messages/${encodeURIComponent(phishing.messageId)}`);
  });

  it('surfaces ErrorItemNotFound with the vendor message for an unknown id', async () => {
    const { node } = await run('get_message', { userId: alice.login, messageId: 'AAMkAGI2TG93ZZZ=' });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('NOT_FOUND');
    expect(node.error?.message).toBe('Microsoft Graph 404 ErrorItemNotFound: The specified object was not found in the store.');
  });
});

describe('msgraph.move_message', () => {
  it('moves the phishing email to Deleted Items under a new id', async () => {
    const { node } = await run('move_message', { userId: alice.login, messageId: phishing.messageId, destinationId: 'deleteditems' });
    expect(node.status).toBe('succeeded');
    const output = node.output as { id: string; previousId: string; parentFolderId: string; moved: boolean };
    expect(output.previousId).toBe(phishing.messageId);
    expect(output.id).not.toBe(phishing.messageId);
    expect(output.parentFolderId).toBe(folderIdOf(alice.mailboxId, 'deleteditems'));

    const inbox = await run('search_messages', { userId: alice.login, from: phishing.sender, mailFolder: 'inbox' });
    expect((inbox.node.output as { count: number }).count).toBe(0);

    const old = await run('get_message', { userId: alice.login, messageId: phishing.messageId });
    expect(old.node.error?.code).toBe('NOT_FOUND');

    const moved = await run('get_message', { userId: alice.login, messageId: output.id });
    expect(moved.node.output).toMatchObject({ parentFolderId: folderIdOf(alice.mailboxId, 'deleteditems'), subject: phishing.subject });
    expect(twin().state().moveLog).toEqual([{ userId: alice.mailboxId, from: phishing.messageId, to: output.id, folder: 'deleteditems' }]);
  });

  it('surfaces Graph 400 ErrorInvalidIdMalformed for a folder given by display name', async () => {
    const { node } = await run('move_message', { userId: bob.login, messageId: 'AAMkAGI2TG93AAB=', destinationId: 'Junk E-mail' });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('BAD_REQUEST');
    expect(node.error?.message).toBe('Microsoft Graph 400 ErrorInvalidIdMalformed: Id is malformed.');
    expect(twin().state().moveLog).toEqual([]);
  });

  it('in a dry run returns the example and sends no move to Graph', async () => {
    await simulate('move_message', { userId: alice.login, messageId: phishing.messageId });
    expect(twin().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/move'))).toEqual([]);
    expect(twin().state().moveLog).toEqual([]);
  });
});

describe('msgraph auth, throttling and errors', () => {
  it('fails with AUTH and the identity platform message for a wrong client secret', async () => {
    const { node } = await run('search_messages', { userId: alice.login }, {}, { ...credentials(), clientSecret: 'not-the-secret' });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('AUTH');
    expect(node.error?.message).toMatch(/^Microsoft Graph 401 invalid_client: AADSTS7000215: Invalid client secret provided\./);
    expect(node.error?.message).not.toContain('Trace ID');
    expect(node.error?.message).not.toContain('not-the-secret');
  });

  it('caches the token across calls', async () => {
    await run('search_messages', { userId: alice.login });
    await run('search_messages', { userId: bob.login });
    expect(tokenRequests()).toBeLessThanOrEqual(1);
  });

  it('drops a token Graph refuses and retries once with a fresh one', async () => {
    await run('search_messages', { userId: alice.login });
    const before = tokenRequests();
    await fault({
      path: '/messages$',
      status: 401,
      body: { error: { code: 'InvalidAuthenticationToken', message: 'Lifetime validation failed, the token is expired.', innerError: {} } },
      times: 1,
    });
    const { node } = await run('search_messages', { userId: alice.login });
    expect(node.status).toBe('succeeded');
    expect(tokenRequests()).toBe(before + 1);
  });

  it('honours Retry-After on 429 and then succeeds', async () => {
    await fault({
      path: '/messages$',
      status: 429,
      headers: { 'retry-after': '2' },
      body: { error: { code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' } },
      times: 1,
    });
    const { node, sleeps } = await run('search_messages', { userId: alice.login, from: phishing.sender });
    expect(node.status).toBe('succeeded');
    expect(node.attempt).toBe(2);
    expect(sleeps).toContain(2000);
  });

  it("serves the twin's own 429 when the rate budget is spent", async () => {
    await rateLimit({ budget: 0, retryAfterSeconds: 3 });
    const { node, sleeps } = await run('search_messages', { userId: alice.login }, { retry: { maxAttempts: 2 } });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('RATE_LIMITED');
    expect(node.error?.message).toBe('Microsoft Graph 429 ApplicationThrottled: Application is over its MailboxConcurrency limit.');
    expect(sleeps).toContain(3000);
  });

  it('surfaces a bad $filter with the vendor message', async () => {
    const { node } = await run('search_messages', { userId: alice.login, $filter: 'subject wibble 3' });
    expect(node.status).toBe('failed');
    expect(node.error?.code).toBe('BAD_REQUEST');
    expect(node.error?.message).toBe('Microsoft Graph 400 ErrorInvalidUrlQueryFilter: The query filter contains one or more invalid nodes.');
  });

  it('retries a 500 with the Graph error body and recovers', async () => {
    await fault({
      path: '/messages$',
      status: 500,
      body: { error: { code: 'UnknownError', message: 'An internal server error occurred.' } },
      times: 1,
    });
    const { node, events } = await run('search_messages', { userId: alice.login });
    expect(node.status).toBe('succeeded');
    expect(JSON.stringify(events)).toContain('Microsoft Graph 500 UnknownError: An internal server error occurred.');
  });

  it('answers an unauthenticated call with InvalidAuthenticationToken', async () => {
    const response = await fetch(`${twin().url}/v1.0/users/${alice.login}/messages`);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
    expect(body.error.code).toBe('InvalidAuthenticationToken');
    expect(body.error.message).toBe('Access token is empty.');
    expect(Object.keys(body.error.innerError)).toEqual(['date', 'request-id', 'client-request-id']);
  });
});

describe('msgraph helpers', () => {
  it('extracts link targets and written-out URLs once each, entities decoded', () => {
    const html = '<a href="http://a.example/x?y=1&amp;z=2">go</a> see https://b.example/path. and <a href=\'http://a.example/x?y=1&z=2\'>again</a> mailto:x@y';
    expect(extractUrls(html)).toEqual(['http://a.example/x?y=1&z=2', 'https://b.example/path']);
  });

  it('builds the sender filter and quotes KQL', () => {
    expect(combinedFilter({ from: "o'brien@x.example" })).toBe("from/emailAddress/address eq 'o''brien@x.example'");
    expect(combinedFilter({ from: 'a@b.example', $filter: 'hasAttachments eq true' })).toBe("(hasAttachments eq true) and (from/emailAddress/address eq 'a@b.example')");
    expect(quoteSearch('subject:invoice')).toBe('"subject:invoice"');
    expect(quoteSearch('"already"')).toBe('"already"');
  });

  it('refreshes tokens five minutes before expiry, or halfway through a short one', () => {
    expect(refreshAt(0, 3599)).toBe(3_299_000);
    expect(refreshAt(0, 60)).toBe(30_000);
  });
});
