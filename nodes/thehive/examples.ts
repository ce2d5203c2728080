/**
 * Example outputs in the shapes of TheHive 5's OpenAPI (OutputAlert, OutputCase, OutputObservable in
 * StrangeBeeCorp/docs docs/thehive/api-docs/docs.yaml): they document each action and stand in for
 * writes in a dry run.
 */

const CREATED_AT = 1795767243000;

export const CREATE_ALERT_EXAMPLE = {
  _id: '~123456',
  _type: 'Alert',
  _createdBy: 'soc-automation@corp.example',
  _createdAt: CREATED_AT,
  type: 'suspicious-login',
  source: 'switchboard',
  sourceRef: 'login-2026-11-27-alice',
  title: 'Suspicious login for alice@corp.example from 185.220.101.45',
  description: 'Login from a Tor exit node listed as abusive on AbuseIPDB.',
  severity: 3,
  severityLabel: 'HIGH',
  date: CREATED_AT,
  tags: ['switchboard', 'suspicious-login'],
  tlp: 2,
  tlpLabel: 'AMBER',
  pap: 2,
  papLabel: 'AMBER',
  follow: true,
  customFields: [],
  observableCount: 1,
  status: 'New',
  stage: 'New',
  extraData: {},
  newDate: CREATED_AT,
  timeToDetect: 0,
};

export const CREATE_CASE_EXAMPLE = {
  _id: '~123460',
  _type: 'Case',
  _createdBy: 'soc-automation@corp.example',
  _createdAt: CREATED_AT,
  number: 1,
  title: 'Malware on WS-ALICE-01 after a suspicious login',
  description: 'Investigation package assembled by Switchboard.',
  severity: 3,
  severityLabel: 'HIGH',
  startDate: CREATED_AT,
  tags: ['switchboard'],
  flag: false,
  tlp: 2,
  tlpLabel: 'AMBER',
  pap: 2,
  papLabel: 'AMBER',
  status: 'New',
  stage: 'New',
  assignee: 'soc-automation@corp.example',
  customFields: [],
  userPermissions: ['manageCase/update', 'manageObservable', 'manageTask'],
  extraData: {},
  newDate: CREATED_AT,
  timeToDetect: 0,
};

const OBSERVABLE = {
  _id: '~123464',
  _type: 'Observable',
  _createdBy: 'soc-automation@corp.example',
  _createdAt: CREATED_AT,
  dataType: 'ip',
  data: '185.220.101.45',
  startDate: CREATED_AT,
  tlp: 2,
  tlpLabel: 'AMBER',
  pap: 2,
  papLabel: 'AMBER',
  tags: ['tor'],
  ioc: true,
  sighted: true,
  reports: {},
  message: 'Source of the suspicious login; listed as abusive.',
  extraData: {},
  ignoreSimilarity: false,
};

export const ADD_OBSERVABLE_EXAMPLE = {
  caseId: '~123460',
  count: 1,
  observables: [OBSERVABLE],
};

export const GET_CASE_EXAMPLE = {
  ...CREATE_CASE_EXAMPLE,
  observableCount: 1,
  observables: [OBSERVABLE],
};
