/**
 * The app's address: the plain URL is home, `?playbook=<id>` is that playbook in the editor, so
 * a reload or a shared link reopens it. Other parameters are left as they are.
 */

/** The playbook id the address names, if any. */
export function playbookInAddress(href: string): string | undefined {
  const id = new URL(href).searchParams.get('playbook');
  return id === null || id === '' ? undefined : id;
}

/** The address showing `playbookId` in the editor, or home when it is undefined. */
export function addressFor(href: string, playbookId: string | undefined): string {
  const url = new URL(href);
  if (playbookId === undefined) url.searchParams.delete('playbook');
  else url.searchParams.set('playbook', playbookId);
  return url.toString();
}
