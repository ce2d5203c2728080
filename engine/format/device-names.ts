/**
 * Names Windows reserves for devices in every folder: `con`, `prn`, `aux`, `nul`, `com1`–`com9`,
 * `lpt1`–`lpt9`, and `com`/`lpt` with the superscript digits ¹ ² ³, which Windows counts as digits.
 */
const DEVICE_NAME = /^(?:con|prn|aux|nul|(?:com|lpt)[1-9\u00b9\u00b2\u00b3])$/i;

/**
 * Whether Windows would take `name` for a device rather than a file: the part before its first dot
 * (trailing spaces dropped, as Windows drops them) is a device name in any case, so `NUL`, `con.txt`
 * and `Com1.playbook.json` all are. A playbook with such an id could not be saved, copied or
 * unpacked on Windows, so ids like these are refused on every platform.
 */
export function isWindowsDeviceName(name: string): boolean {
  const stem = name.split('.', 1)[0] ?? '';
  return DEVICE_NAME.test(stem.replace(/ +$/, ''));
}

/**
 * The same rule as a pattern over a playbook id (lowercase, no dots), so that the JSON Schema
 * generated from the format refuses these ids in editors too.
 */
export const NOT_A_DEVICE_NAME = /^(?!(?:con|prn|aux|nul|com[1-9]|lpt[1-9])$)/;

/** The refusal of a device name as an id, for the schema and the host alike. */
export const DEVICE_NAME_MESSAGE = 'is a Windows device name (con, prn, aux, nul, com1–com9, lpt1–lpt9): Windows cannot hold a file of that name; choose another id';
