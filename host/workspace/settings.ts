import { allowEntryProblem } from '../../nodes/sdk/egress.ts';
import { MAX_DISPLAY_NAME } from '../protocol/contract.ts';
import type { WorkspaceSettings } from '../protocol/contract.ts';
import { createSerialQueue, writeFileInside } from './atomic-file.ts';
import { readJsonObjectNoFollow } from './no-follow.ts';
import { jsonText, workspacePaths } from './workspace.ts';

/** Settings of a workspace that never chose any: lab mode off, so nothing runs on the lab unasked. */
const DEFAULT_SETTINGS: WorkspaceSettings = { labMode: false };

/** One writer at a time, so two saves of different settings both land. */
const serial = createSerialQueue();

/**
 * The editor settings of the workspace in `dir`, from `settings.json` (which also marks the
 * workspace as set up); missing ones take their default, a wrong type is refused naming the field.
 */
export async function readWorkspaceSettings(dir: string): Promise<WorkspaceSettings> {
  return settingsOf(await readSettingsFile(dir, workspacePaths(dir).settings));
}

/** Changes the given settings, keeping the others and every other field of `settings.json`. */
export function saveWorkspaceSettings(dir: string, patch: Partial<WorkspaceSettings>): Promise<WorkspaceSettings> {
  return serial(async () => {
    const file = workspacePaths(dir).settings;
    const next = { ...(await readSettingsFile(dir, file)), ...patch };
    const settings = settingsOf(next);
    await writeFileInside(dir, file, jsonText(next));
    return settings;
  });
}

/** The settings a file's object holds, checked; `settingsOf({})` is the defaults. */
function settingsOf(data: Record<string, unknown>): WorkspaceSettings {
  const labMode = data['labMode'] ?? DEFAULT_SETTINGS.labMode;
  if (typeof labMode !== 'boolean') throw new Error(`settings.json: labMode must be true or false, not ${JSON.stringify(labMode)}`);
  const problem = egressProblem(data['egress']);
  if (problem !== undefined) throw new Error(`settings.json: ${problem}`);
  const egress = data['egress'] as WorkspaceSettings['egress'];
  const displayName = displayNameOf(data['displayName']);
  return { labMode, ...(egress === undefined ? {} : { egress: { allow: [...egress.allow] } }), ...(displayName === undefined ? {} : { displayName }) };
}

/** The `displayName` setting, trimmed; absent or empty is unset, anything but a short string is refused naming the field. */
function displayNameOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim().length > MAX_DISPLAY_NAME) throw new Error(`settings.json: displayName must be a name of at most ${MAX_DISPLAY_NAME} characters`);
  return value.trim() === '' ? undefined : value.trim();
}

/**
 * What is wrong with an `egress` setting (`{ allow: [entries] }`), naming the field and the
 * entry; undefined when it is absent or fine.
 */
export function egressProblem(egress: unknown): string | undefined {
  if (egress === undefined) return undefined;
  const allow = typeof egress === 'object' && egress !== null && !Array.isArray(egress) ? (egress as Record<string, unknown>)['allow'] : undefined;
  if (!Array.isArray(allow) || Object.keys(egress as object).some((key) => key !== 'allow')) return 'egress must be { "allow": [ … ] }';
  for (const [index, entry] of allow.entries()) {
    const problem = typeof entry === 'string' ? allowEntryProblem(entry) : 'must be a string';
    if (problem !== undefined) return `egress.allow[${index}]: ${problem}`;
  }
  return undefined;
}

function readSettingsFile(dir: string, file: string): Promise<Record<string, unknown>> {
  return readJsonObjectNoFollow(dir, file, 'a JSON object');
}
