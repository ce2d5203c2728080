import { createRegistry } from '../engine/node-type.ts';
import type { NodeRegistry } from '../engine/node-type.ts';
import { coreConnector } from './core/index.ts';
import type { Connector } from './sdk/define-connector.ts';

/** Every connector shipped with the app; vendor connectors join this list as their folders land. */
export const builtinConnectors: Connector[] = [coreConnector];

/** The registry of every built-in node type, for the executor, the validator and the CLI. */
export function createBuiltinRegistry(): NodeRegistry {
  return createRegistry(builtinConnectors.flatMap((connector) => connector.specs));
}
