/**
 * Example outputs in Splunk's documented shapes (results rows as GET search/jobs/{sid}/results
 * returns them: every value a string; notable_update's `{success, message, success_count,
 * failure_count, details}` from the Enterprise Security handler). They document each action and
 * stand in for writes in a dry run.
 */

/** A finished job's rows: the successful login from the Tor exit node. */
export const RUN_SEARCH_EXAMPLE = {
  sid: '1795767243.17',
  results: [
    {
      _time: '2026-11-27T08:14:03.000+00:00',
      index: 'auth',
      sourcetype: 'OktaIM2:log',
      host: 'corp.okta.com',
      action: 'success',
      app: 'okta',
      src: '185.220.101.45',
      src_country: 'RO',
      user: 'alice@corp.example',
      signature: 'user.session.start',
      _raw: '2026-11-27T08:14:03Z okta eventType=user.session.start outcome=SUCCESS actor=alice@corp.example client.ipAddress=185.220.101.45 country=RO',
    },
  ],
  count: 1,
  resultCount: 1,
  truncated: false,
  messages: [],
};

/** The suspicious-login notable as the `notable` macro returns it, with the urgency summary. */
export const LIST_NOTABLES_EXAMPLE = {
  sid: '1795767250.18',
  notables: [
    {
      _time: '2026-11-27T08:14:05.000+00:00',
      event_id: 'A1B2C3D4-1111-4E5F-9A8B-0C1D2E3F4A51@@notable@@5f2b7c1e9d3a4b6c8e0f1a2b3c4d5e6f',
      rule_id: 'A1B2C3D4-1111-4E5F-9A8B-0C1D2E3F4A51@@notable@@5f2b7c1e9d3a4b6c8e0f1a2b3c4d5e6f',
      rule_name: 'Access - Suspicious Login From Anonymizing Network - Rule',
      rule_title: 'Suspicious login for alice@corp.example from 185.220.101.45 (RO)',
      security_domain: 'access',
      urgency: 'high',
      severity: 'high',
      status: '1',
      status_label: 'New',
      owner: 'unassigned',
      src: '185.220.101.45',
      user: 'alice@corp.example',
      dest: 'corp.okta.com',
    },
  ],
  count: 1,
  resultCount: 1,
  truncated: false,
  messages: [],
  highest_urgency: 'high',
  by_urgency: { high: 1 },
};

/** notable_update's answer for one event. */
export const UPDATE_NOTABLE_EXAMPLE = {
  success: true,
  message: '1 event updated successfully',
  success_count: 1,
  failure_count: 0,
  details: {},
  ruleUIDs: ['A1B2C3D4-1111-4E5F-9A8B-0C1D2E3F4A51@@notable@@5f2b7c1e9d3a4b6c8e0f1a2b3c4d5e6f'],
};
