/**
 * When an emitted item says it happened, from `/_lab/emit`'s body: now, less `ageSeconds` (it was
 * indexed late), plus `skewSeconds` (the source's clock runs ahead, or behind when negative), as a
 * real SIEM or mailbox on another machine stamps it.
 */
export function emittedAt(body: Record<string, unknown>, now = Date.now()): number {
  const age = typeof body['ageSeconds'] === 'number' && body['ageSeconds'] >= 0 ? body['ageSeconds'] : 0;
  const skew = typeof body['skewSeconds'] === 'number' && Math.abs(body['skewSeconds']) <= 86_400 ? body['skewSeconds'] : 0;
  return now - age * 1000 + skew * 1000;
}
