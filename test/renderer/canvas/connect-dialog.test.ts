import { describe, expect, it } from 'vitest';
import { connectChoices } from '../../../renderer/canvas/connect-dialog.tsx';
import { indexCatalogue } from '../../../renderer/store/catalogue-slice.ts';
import { fromPlaybook } from '../../../renderer/store/playbook-to-canvas.ts';
import { catalogue, samplePlaybook } from '../catalogue-fixture.ts';

/** The sample playbook: Start → IP report → Route -malicious→ No layout. */
const graph = { ...fromPlaybook(samplePlaybook()), actionsByType: indexCatalogue(catalogue) };

describe('connectChoices (the Connect… list)', () => {
  it("lists each output port's allowed targets, ports in drawing order", () => {
    expect(connectChoices(graph, 'ip_report')).toEqual([
      { port: 'out', targetId: 'unplaced', targetName: 'No layout' },
      { port: 'error', targetId: 'route', targetName: 'Route' },
      { port: 'error', targetId: 'unplaced', targetName: 'No layout' },
    ]);
  });

  it('leaves out the trigger, the node itself, what is connected already and what would close a loop', () => {
    const names = connectChoices(graph, 'route').map((choice) => `${choice.port} → ${choice.targetName}`);
    expect(names).toEqual(['clean → No layout', 'default → No layout', 'error → No layout']);
    expect(connectChoices(graph, 'unplaced')).toEqual([]);
  });

  it('offers nothing from a note', () => {
    expect(connectChoices(graph, 'welcome')).toEqual([]);
  });
});
