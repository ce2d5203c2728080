import * as z from 'zod';
import type { RunAction } from '../sdk/define-connector.ts';
import { graphRequest } from './auth.ts';
import { credentialsOf } from './credentials.ts';
import { extractUrls, summariseAttachment } from './message-content.ts';
import type { AttachmentSummary, GraphAttachment } from './message-content.ts';
import { odataQuery, userPath } from './paging.ts';
import { getMessageOutput } from './outputs.ts';

interface GraphMessage {
  body?: { contentType?: string; content?: string };
  attachments?: GraphAttachment[];
  [key: string]: unknown;
}

/** The message as Graph returns it, its attachments summarised with hashes, and the URLs of its body. */
export function shapeMessage(
  userId: string,
  message: GraphMessage,
  includeContentBytes: boolean,
): Record<string, unknown> & { urls: string[]; attachments: AttachmentSummary[] } {
  const { attachments, ...rest } = message;
  const content = typeof message.body?.content === 'string' ? message.body.content : '';
  return {
    mailbox: userId,
    ...rest,
    urls: extractUrls(content),
    attachments: (attachments ?? []).map((attachment) => summariseAttachment(attachment, includeContentBytes)),
  };
}

/** Params of get_message: which copy, and whether to return the attachment bytes too. */
export const getMessageInput = z.object({
  userId: z.string().min(1).max(512).meta({ title: 'Mailbox' }).describe('Mailbox: the user id or userPrincipalName.'),
  messageId: z.string().min(1).max(1024).meta({ title: 'Message ID' }).describe('Graph message id (changes when the message is moved).'),
  includeContentBytes: z
    .boolean()
    .default(false)
    .meta({ title: 'Include attachment content' })
    .describe("Also return each file attachment's base64 contentBytes (hashes are always computed)."),
});

/** One message with its attachments expanded, so a playbook gets URLs and file hashes in one step. */
export const getMessage: RunAction<typeof getMessageInput> = {
  title: 'Get message with attachments',
  description:
    'Reads one message with $expand=attachments and returns its headers and body, the http(s) URLs found in the body, and each attachment with name, type, size and sha256/sha1/md5 of its bytes.',
  effect: 'read',
  input: getMessageInput,
  output: getMessageOutput,
  example: {
    mailbox: 'alice@corp.example',
    '@odata.etag': 'W/"CQAAABYAAADHcgC8Hl9tRZ/hc1wEUs1TAAAwR4Hg"',
    id: 'AAMkAGI2TG93AAA=',
    createdDateTime: '2026-11-27T07:55:12Z',
    receivedDateTime: '2026-11-27T07:55:12Z',
    sentDateTime: '2026-11-27T07:55:09Z',
    hasAttachments: true,
    internetMessageId: '<CAF=phish-2026-11-27@paypa1-secure.com>',
    subject: 'Action required: your invoice is overdue',
    bodyPreview: 'Dear customer, your invoice is overdue. Verify your account to avoid suspension.',
    importance: 'high',
    parentFolderId: 'AAMkAGI2AAAAAAEMAAA=',
    conversationId: 'AAQkAGI2TG93Y29udjE=',
    isRead: false,
    webLink: 'https://outlook.office365.com/owa/?ItemID=AAMkAGI2TG93AAA%3D&exvsurl=1&viewmodel=ReadMessageItem',
    body: {
      contentType: 'html',
      content: '<html><body><p>Dear customer,</p><p><a href="http://paypa1-secure.com/login/verify">Verify your account</a></p></body></html>',
    },
    sender: { emailAddress: { name: 'PayPal Billing', address: 'billing@paypa1-secure.com' } },
    from: { emailAddress: { name: 'PayPal Billing', address: 'billing@paypa1-secure.com' } },
    toRecipients: [{ emailAddress: { name: 'Alice Nguyen', address: 'alice@corp.example' } }],
    ccRecipients: [],
    urls: ['http://paypa1-secure.com/login/verify', 'https://www.wikipedia.org/'],
    attachments: [
      {
        '@odata.type': '#microsoft.graph.fileAttachment',
        id: 'AAMkAGI2TG93AAABEgAQAEICAAE=',
        name: 'invoice.pdf.exe',
        contentType: 'application/x-msdownload',
        size: 68,
        isInline: false,
        sha256: '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
        sha1: '3395856ce81f2b7382dee72602f798b642f14140',
        md5: '44d88612fea8a8f36de82e1278abb02f',
      },
    ],
  },
  async run(ctx, input) {
    const credentials = credentialsOf(ctx);
    const url = `${userPath(input.userId)}/messages/${encodeURIComponent(input.messageId)}${odataQuery({ $expand: 'attachments' })}`;
    const response = await graphRequest<GraphMessage>(ctx, credentials, { method: 'GET', url });
    return shapeMessage(input.userId, response.data, input.includeContentBytes);
  },
};
