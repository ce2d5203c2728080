import { clearKevCache } from '../../nodes/cisa_kev/catalog.ts';
import { forgetFalconTokens } from '../../nodes/crowdstrike/client.ts';

/** Empties the module-level caches of connectors (KEV catalog, Falcon tokens), which would carry one test's state into the next. */
export function clearConnectorCaches(): void {
  clearKevCache();
  forgetFalconTokens();
}
