/**
 * Example outputs in the shapes the Jira Cloud REST v3 reference documents (developer.atlassian.com/
 * cloud/jira/platform/rest/v3): they document each action and stand in for writes in a dry run.
 */

const SITE = 'https://your-domain.atlassian.net';

export const CREATE_ISSUE_EXAMPLE = {
  id: '10001',
  key: 'SEC-1',
  self: `${SITE}/rest/api/3/issue/10001`,
  url: `${SITE}/browse/SEC-1`,
};

export const ADD_COMMENT_EXAMPLE = {
  self: `${SITE}/rest/api/3/issue/10001/comment/10100`,
  id: '10100',
  author: { accountId: '5b10a2844c20165700ede21g', displayName: 'Switchboard Automation', active: true },
  body: {
    type: 'doc',
    version: 1,
    content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Host WS-ALICE-01 contained; password reset forced.' }] }],
  },
  created: '2026-11-27T08:31:00.000+0000',
  updated: '2026-11-27T08:31:00.000+0000',
  issueIdOrKey: 'SEC-1',
};

export const TRANSITION_ISSUE_EXAMPLE = {
  issueIdOrKey: 'SEC-1',
  transition: { id: '21', name: 'In Progress' },
  status: 'In Progress',
  changed: true,
};

export const GET_ISSUE_EXAMPLE = {
  id: '10001',
  key: 'SEC-1',
  self: `${SITE}/rest/api/3/issue/10001`,
  url: `${SITE}/browse/SEC-1`,
  summary: 'Suspicious login for alice@corp.example from 185.220.101.45',
  status: 'To Do',
  description_text: 'Login from a Tor exit node listed as abusive.',
  fields: {
    summary: 'Suspicious login for alice@corp.example from 185.220.101.45',
    issuetype: { id: '10002', name: 'Task' },
    project: { id: '10000', key: 'SEC', name: 'Security Operations' },
    priority: { id: '2', name: 'High' },
    labels: ['switchboard', 'suspicious-login'],
    status: { id: '10000', name: 'To Do', statusCategory: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' } },
    description: {
      type: 'doc',
      version: 1,
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Login from a Tor exit node listed as abusive.' }] }],
    },
    created: '2026-11-27T08:30:00.000+0000',
    updated: '2026-11-27T08:30:00.000+0000',
  },
};
