/**
 * Why a save failed, as the sentence the toast and the title bar show: a revision conflict says
 * the file changed on disk and how to see the other change; anything else gives the host's reason.
 */
export function saveFailureSentence(error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return (error as { code?: string } | null)?.code === 'CONFLICT'
    ? `The playbook was not saved: it changed on disk since it was opened (${reason}). Reopen it to see the other change.`
    : `The playbook was not saved: ${reason}`;
}
