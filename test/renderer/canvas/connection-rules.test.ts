import { describe, expect, it } from 'vitest';
import { connectableTargets, connectionRefusal, dragRefusal, outputPortsOf } from '../../../renderer/canvas/connection-rules.ts';
import type { ConnectionGraph } from '../../../renderer/canvas/connection-rules.ts';
import { indexCatalogue } from '../../../renderer/store/catalogue-slice.ts';
import { fromPlaybook } from '../../../renderer/store/playbook-to-canvas.ts';
import { catalogue, samplePlaybook } from '../catalogue-fixture.ts';

/** The sample playbook: Start → IP report → Route -malicious→ No layout, and a note "welcome". */
function sampleGraph(): ConnectionGraph {
  const { nodes, edges } = fromPlaybook(samplePlaybook());
  return { nodes, edges, actionsByType: indexCatalogue(catalogue) };
}

const into = (source: string, sourceHandle: string | null, target: string) => ({ source, sourceHandle, target });

describe('connectionRefusal', () => {
  const graph = sampleGraph();

  it('allows an existing output port into a node that is not a trigger, with no loop and no duplicate', () => {
    expect(connectionRefusal(graph, into('ip_report', 'error', 'unplaced'))).toBeUndefined();
    expect(connectionRefusal(graph, into('route', 'clean', 'unplaced'))).toBeUndefined();
    expect(connectionRefusal(graph, into('start', 'out', 'unplaced'))).toBeUndefined();
  });

  it('refuses a connection into a trigger, naming both nodes', () => {
    expect(connectionRefusal(graph, into('ip_report', 'out', 'start'))).toBe(
      "Can't connect: IP report → Start is into a trigger; runs start at a trigger, nothing connects into it.",
    );
  });

  it('refuses a connection that would close a loop, naming the nodes', () => {
    expect(connectionRefusal(graph, into('unplaced', 'true', 'ip_report'))).toBe(
      "Can't connect: No layout → IP report would make a loop (IP report already leads to No layout).",
    );
    expect(connectionRefusal(graph, into('route', 'default', 'ip_report'))).toMatch(/would make a loop/);
  });

  it('judges loops on the edges as they are now, after an edit adds one', () => {
    const withoutLast = { ...graph, edges: graph.edges.filter((edge) => edge.id !== 'e3') };
    expect(connectionRefusal(withoutLast, into('unplaced', 'true', 'route'))).toBeUndefined();
    expect(connectionRefusal(graph, into('unplaced', 'true', 'route'))).toMatch(/Route already leads to No layout/);
  });

  it('refuses a second edge from the same port into the same node, but not from another port', () => {
    expect(connectionRefusal(graph, into('start', 'out', 'ip_report'))).toBe('Can\'t connect: Start already connects to IP report from "out".');
    expect(connectionRefusal(graph, into('ip_report', 'error', 'route'))).toBeUndefined();
  });

  it('refuses a node into itself, a port the node does not have, and notes', () => {
    expect(connectionRefusal(graph, into('ip_report', 'out', 'ip_report'))).toBe("Can't connect: IP report → IP report: a node cannot connect to itself.");
    expect(connectionRefusal(graph, into('route', 'suspicious', 'unplaced'))).toBe('Can\'t connect: Route has no output port "suspicious".');
    expect(connectionRefusal(graph, into('ip_report', null, 'unplaced'))).toMatch(/no output port ""/);
    expect(connectionRefusal(graph, into('welcome', 'out', 'ip_report'))).toMatch(/two playbook nodes, not notes/);
  });
});

describe('dragRefusal', () => {
  const graph = sampleGraph();

  it('says an output dropped on an output joins two outputs, naming both nodes', () => {
    const refusal = dragRefusal(graph, { nodeId: 'route', handleType: 'source', port: 'clean' }, { nodeId: 'unplaced', handleType: 'source', port: 'true' });
    expect(refusal).toBe("Can't connect: Route → No layout joins two outputs; drag from an output port onto an input.");
  });

  it('says an input dropped on an input joins two inputs', () => {
    expect(dragRefusal(graph, { nodeId: 'route', handleType: 'target' }, { nodeId: 'unplaced', handleType: 'target' })).toMatch(/Route → No layout joins two inputs/);
  });

  it('judges a drag started from an input as the connection from the output it ends on', () => {
    expect(dragRefusal(graph, { nodeId: 'start', handleType: 'target' }, { nodeId: 'ip_report', handleType: 'source', port: 'out' })).toMatch(/IP report → Start is into a trigger/);
    expect(dragRefusal(graph, { nodeId: 'unplaced', handleType: 'target' }, { nodeId: 'ip_report', handleType: 'source', port: 'error' })).toBeUndefined();
  });
});

describe('connectableTargets', () => {
  it('lists the nodes a port may go to: no trigger, no duplicate, no loop, not itself', () => {
    const graph = sampleGraph();
    expect(connectableTargets(graph, 'ip_report', 'out').map((node) => node.name)).toEqual(['No layout']);
    expect(connectableTargets(graph, 'ip_report', 'error').map((node) => node.name)).toEqual(['Route', 'No layout']);
    expect(connectableTargets(graph, 'unplaced', 'true')).toEqual([]);
  });

  it('lists nothing for a port the node does not have', () => {
    expect(connectableTargets(sampleGraph(), 'route', 'suspicious')).toEqual([]);
  });
});

describe('outputPortsOf', () => {
  it("gives a node's ports in drawing order, a switch's from its cases, and none for a note", () => {
    const graph = sampleGraph();
    expect(outputPortsOf(graph, 'ip_report')).toEqual(['out', 'error']);
    expect(outputPortsOf(graph, 'route')).toEqual(['malicious', 'clean', 'default', 'error']);
    expect(outputPortsOf(graph, 'welcome')).toEqual([]);
  });
});
