import { defineConnector } from '../sdk/define-connector.ts';
import { listNotableEvents, runSearch, updateNotable } from './actions.ts';
import { splunkCredentials, splunkHttp } from './credentials.ts';
import { notableTrigger } from './notable-trigger.ts';
import { splunkError } from './search-job.ts';

/** Splunk Enterprise / Splunk Cloud REST API (splunkd, port 8089): search jobs and Enterprise Security notables. */
export const splunkConnector = defineConnector({
  id: 'splunk',
  name: 'Splunk',
  category: 'siem',
  docsUrl: 'https://help.splunk.com/en/splunk-enterprise/leverage-rest-apis/rest-api-reference',
  description:
    'Runs SPL searches as search jobs and reads their results; lists and updates Enterprise Security notable events (REST API on the management port).',
  credentials: splunkCredentials,
  http: splunkHttp,
  vendorError: splunkError,
  actions: {
    run_search: runSearch,
    list_notable_events: listNotableEvents,
    update_notable: updateNotable,
  },
  nodes: [notableTrigger],
});
