import { describe, expect, it } from 'vitest';
import { isWindowsDeviceName } from '../../../engine/format/device-names.ts';
import { loadPlaybook } from '../../../engine/format/load.ts';
import { PlaybookSchema } from '../../../engine/format/playbook.ts';
import { createBuiltinRegistry } from '../../../nodes/registry.ts';
import { TINY } from '../../support/chain-playbook.ts';

const DEVICES = ['con', 'prn', 'aux', 'nul', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`com${n}`, `lpt${n}`])];

describe('isWindowsDeviceName', () => {
  it('knows every device name, in any case, with or without an extension', () => {
    for (const name of DEVICES) {
      expect(isWindowsDeviceName(name)).toBe(true);
      expect(isWindowsDeviceName(name.toUpperCase())).toBe(true);
      expect(isWindowsDeviceName(`${name}.txt`)).toBe(true);
      expect(isWindowsDeviceName(`${name[0]?.toUpperCase()}${name.slice(1)}.playbook.json`)).toBe(true);
    }
    expect(isWindowsDeviceName('NUL.tar.gz')).toBe(true);
    expect(isWindowsDeviceName('con .txt')).toBe(true);
  });

  it('counts the superscript digits Windows takes for digits', () => {
    for (const name of ['com¹', 'COM²', 'lpt³', 'LPT¹.json']) expect(isWindowsDeviceName(name)).toBe(true);
  });

  it('leaves names that only start or end like one alone', () => {
    for (const name of ['console', 'con-2', 'com10', 'com0', 'lpt', 'nul_route', 'aux1', 'my-con', 'x.con', '.con', 'null', 'com⁴']) {
      expect(isWindowsDeviceName(name)).toBe(false);
    }
  });
});

describe('a playbook id that is a device name', () => {
  it('is refused by the schema, naming the id and why, for every device name', () => {
    for (const id of DEVICES) {
      const result = PlaybookSchema.safeParse({ ...TINY, id });
      expect(result.success).toBe(false);
      expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['id'], message: expect.stringContaining('is a Windows device name') })]);
    }
  });

  it('is a problem at `id` when a file is loaded, and ids that merely contain one still load', () => {
    const registry = createBuiltinRegistry();
    const refused = loadPlaybook(JSON.stringify({ ...TINY, id: 'nul' }), registry);
    expect(refused.playbook).toBeUndefined();
    expect(refused.problems).toEqual([expect.objectContaining({ severity: 'error', path: 'id', message: 'id "nul" is a Windows device name (con, prn, aux, nul, com1–com9, lpt1–lpt9): Windows cannot hold a file of that name; choose another id' })]);
    expect(loadPlaybook(JSON.stringify({ ...TINY, id: 'con-check' }), registry).problems).toEqual([]);
  });
});
