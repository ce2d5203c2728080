/** A run id that sorts by start time and is a safe file name: `20261128-144926-3fa9c1` (UTC). */
export function newRunId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const random = Math.floor(Math.random() * 0x1000000).toString(16).padStart(6, '0');
  return `${stamp}-${random}`;
}
