/**
 * Elasticsearch's error body is `{error: {root_cause: [...], type, reason, caused_by?}, status}`.
 * A search that failed on every shard says only "all shards failed" at the top
 * (search_phase_execution_exception), so the first root cause carries the useful line then.
 */
export function elasticError(_status: number, body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (error === null || typeof error !== 'object') return undefined;
  const top = error as { type?: unknown; reason?: unknown; root_cause?: unknown };
  const root: unknown = Array.isArray(top.root_cause) ? top.root_cause[0] : undefined;
  const wrapper = top.type === 'search_phase_execution_exception' || top.reason === 'all shards failed';
  const chosen = (wrapper && root !== null && typeof root === 'object' ? root : top) as { type?: unknown; reason?: unknown };
  const type = typeof chosen.type === 'string' ? chosen.type : undefined;
  const reason = typeof chosen.reason === 'string' ? chosen.reason : undefined;
  if (type !== undefined && reason !== undefined) return `${type}: ${reason}`;
  return reason ?? type;
}
