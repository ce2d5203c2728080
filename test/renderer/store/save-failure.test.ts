import { describe, expect, it } from 'vitest';
import { saveFailureSentence } from '../../../renderer/store/save-failure.ts';

describe('why a save failed, as a sentence', () => {
  it('says a conflict means the file changed on disk, and how to see the other change', () => {
    const conflict = Object.assign(new Error('Revision 9 is on disk.'), { code: 'CONFLICT' });
    expect(saveFailureSentence(conflict)).toBe(
      'The playbook was not saved: it changed on disk since it was opened (Revision 9 is on disk.). Reopen it to see the other change.',
    );
  });

  it("gives any other failure's reason", () => {
    expect(saveFailureSentence(new Error('disk full'))).toBe('The playbook was not saved: disk full');
    expect(saveFailureSentence('offline')).toBe('The playbook was not saved: offline');
  });
});
