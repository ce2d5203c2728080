/**
 * Example outputs in the shapes of the search and count APIs (hits as `hits.hits[]` returns
 * them, ECS fields in `_source`). They document each action for the catalogue and the dry run.
 */

/** A sorted search that stopped at `limit`, hence `truncated` and `next_search_after`. */
export const SEARCH_EXAMPLE = {
  total: 4,
  total_relation: 'eq',
  hits: [
    {
      _index: 'logs-auth',
      _id: 'sbAuth00000000000005',
      _score: null,
      _source: {
        '@timestamp': '2026-11-27T08:14:03.000Z',
        event: { category: ['authentication'], action: 'user.session.start', outcome: 'success', dataset: 'okta.system' },
        source: { ip: '185.220.101.45', geo: { country_iso_code: 'RO' } },
        user: { name: 'alice@corp.example' },
        message: 'User login to Okta',
      },
      sort: [1795767243000],
    },
  ],
  count: 1,
  took: 3,
  timed_out: false,
  truncated: true,
  next_search_after: [1795767243000],
};

/** The count API's answer. */
export const COUNT_EXAMPLE = {
  count: 4,
  _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
};
