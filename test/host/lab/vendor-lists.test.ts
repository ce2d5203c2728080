import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labVendors } from '../../../host/lab/vendors.ts';
import { builtinConnectors } from '../../../nodes/registry.ts';

/**
 * The two hand-kept lists, nodes/registry.ts (connectors) and host/lab/vendors.ts (connector, twin
 * and lab credential), against the vendor folders on disk: a new vendor folder missing from either
 * fails here, naming the folder, instead of shipping a connector the lab cannot run.
 */

const NODES = fileURLToPath(new URL('../../../nodes/', import.meta.url));
/** Folders of nodes/ that are not a vendor: the SDK and the control nodes. */
const NOT_VENDORS = new Set(['sdk', 'core']);
const vendorFolders = fs
  .readdirSync(NODES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !NOT_VENDORS.has(entry.name))
  .map((entry) => entry.name)
  .sort();

describe('vendor folders and the lists that name them', () => {
  it('finds the vendor folders (a guard against reading the wrong directory)', () => {
    expect(vendorFolders.length).toBeGreaterThanOrEqual(17);
  });

  it.each(vendorFolders)('nodes/%s/ is in the connector registry and in the lab', (folder) => {
    expect(builtinConnectors.map((connector) => connector.id)).toContain(folder);
    expect(labVendors.map((vendor) => vendor.connector.id)).toContain(folder);
  });

  it('lists nothing that has no folder, and each connector once', () => {
    expect(builtinConnectors.map((connector) => connector.id).filter((id) => id !== 'core').sort()).toEqual(vendorFolders);
    expect(labVendors.map((vendor) => vendor.connector.id).sort()).toEqual(vendorFolders);
  });
});
