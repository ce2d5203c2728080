import type { EgressPolicy } from '../../engine/node-type.ts';
import { hostEntryOf } from '../../nodes/sdk/egress.ts';

/** What one run's egress policy is made of. */
export interface EgressSources {
  /** The workspace's `egress.allow` (settings.json). */
  allow: readonly string[];
  /** The running lab's twins, by URL; empty without a lab. */
  twins: readonly { url: string }[];
  /** Lab mode, chosen for this run: only then are the twins reachable through the policy. */
  labMode: boolean;
  /** Ports this host listens on (the editor's server): never reachable from a run. */
  ownPorts?: readonly number[];
}

/**
 * The egress policy of one run: public addresses, the workspace's allow list and, in lab mode,
 * exactly the twins' `host:port` pairs (so a lab run reaches its twins and no other loopback
 * service); this host's own ports are refused whatever else is allowed. A bound credential adds
 * its own hosts per call, in the SDK.
 */
export function runEgressPolicy(sources: EgressSources): EgressPolicy {
  const twins = sources.labMode ? sources.twins.map((twin) => hostEntryOf(twin.url)).filter((entry): entry is string => entry !== undefined) : [];
  return { allow: [...sources.allow, ...twins], ownPorts: [...(sources.ownPorts ?? [])] };
}
