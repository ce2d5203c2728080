import { defineConnector } from '../sdk/define-connector.ts';
import { alertsTrigger } from './alerts-trigger.ts';
import { elasticCredentials, elasticHttp } from './credentials.ts';
import { elasticError } from './errors.ts';
import { count, search } from './search.ts';

/** Elasticsearch (self-managed or Elastic Cloud): Query DSL search and count with API key auth. */
export const elasticConnector = defineConnector({
  id: 'elastic',
  name: 'Elasticsearch',
  category: 'siem',
  docsUrl: 'https://www.elastic.co/docs/api/doc/elasticsearch/operation/operation-search',
  description: 'Searches and counts documents (logs, alerts) in Elasticsearch indices and data streams with the Query DSL, paging with search_after.',
  credentials: elasticCredentials,
  http: elasticHttp,
  vendorError: elasticError,
  actions: {
    search,
    count,
  },
  nodes: [alertsTrigger],
});
