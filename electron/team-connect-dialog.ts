import type { BrowserWindowConstructorOptions } from 'electron';
import { TEAM_URL_FIELD, type WindowConstructor } from './team-server.ts';

/**
 * The URL prompt of File › Connect to Team Server… Electron has no text prompt, so it is a small
 * sandboxed window with no preload showing a page main writes (a data: URL, no script): a form
 * whose submission main reads from `will-navigate` and cancels. Nothing crosses IPC, and the
 * submission goes nowhere: its address is on `.invalid`, a name that never resolves (RFC 6761).
 */

/** Where the form submits (GET): main takes the submission from the navigation it cancels. */
export const CONNECT_FORM_ACTION = 'https://connect.switchboard.invalid/';

/** What the dialog shows: the recent servers, the field's value, and the one line that refused it. */
export interface ConnectDialogView {
  recent: readonly string[];
  value: string;
  error?: string;
}

/** What a submission asks: connect to the typed (or a recent) URL, or close. */
export type ConnectSubmission = { kind: 'connect'; text: string } | { kind: 'cancel' };

/** The submission a navigation carries, or undefined when it is not the dialog's form. */
export function readConnectSubmission(url: string): ConnectSubmission | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.origin !== new URL(CONNECT_FORM_ACTION).origin) return undefined;
  const fields = parsed.searchParams;
  if (fields.get('action') === 'cancel') return { kind: 'cancel' };
  const recent = fields.get('recent');
  if (recent !== null) return { kind: 'connect', text: recent };
  return { kind: 'connect', text: fields.get('url') ?? '' };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** No script, no resource: inline style, and the form may go only to its own address. */
const POLICY = `default-src 'none'; style-src 'unsafe-inline'; form-action ${new URL(CONNECT_FORM_ACTION).origin}; base-uri 'none'`;

const STYLE = `
:root { color-scheme: light dark; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
body { margin: 0; padding: 18px 20px; background: Canvas; color: CanvasText; }
form { display: flex; flex-direction: column; gap: 8px; }
label { font-weight: 600; }
input { font: inherit; padding: 6px 8px; }
.error { margin: 0; color: #c62828; }
.hint { margin: 0; opacity: 0.75; font-size: 12px; }
.recent { order: 1; border: 0; margin: 4px 0 0; padding: 0; }
.recent legend { padding: 0; margin-bottom: 4px; font-weight: 600; }
.recent ul { list-style: none; margin: 0; padding: 0; }
.recent button { width: 100%; text-align: left; font: inherit; padding: 4px 8px; margin: 0 0 4px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.buttons { order: 2; display: flex; flex-direction: row-reverse; gap: 8px; margin-top: 8px; }
.buttons button { font: inherit; padding: 5px 16px; }
`;

/**
 * The dialog's page. Connect is the form's first submit button, so Enter in the field connects;
 * the recent servers are listed after it in the document and shown above it.
 */
export function connectDialogHtml(view: ConnectDialogView): string {
  const error = view.error === undefined ? '' : `\n<p id="error" class="error" role="alert">${escapeHtml(view.error)}</p>`;
  const recent =
    view.recent.length === 0
      ? ''
      : `\n<fieldset class="recent"><legend>Recent servers</legend><ul>${view.recent
          .map((origin) => `<li><button type="submit" name="recent" value="${escapeHtml(origin)}" title="${escapeHtml(origin)}">${escapeHtml(origin)}</button></li>`)
          .join('')}</ul></fieldset>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${POLICY}">
<title>Connect to Team Server</title>
<style>${STYLE}</style>
</head>
<body>
<form method="get" action="${CONNECT_FORM_ACTION}">
<label for="url">${TEAM_URL_FIELD}</label>
<input id="url" name="url" type="text" inputmode="url" value="${escapeHtml(view.value)}" placeholder="https://switchboard.example.com" autofocus autocomplete="off" spellcheck="false" aria-describedby="${view.error === undefined ? '' : 'error '}hint"${view.error === undefined ? '' : ' aria-invalid="true"'}>${error}
<p id="hint" class="hint">https://, or http:// on 127.0.0.1, ::1 or localhost. You sign in on the server’s own page; this computer’s workspace stays open in its window.</p>
<div class="buttons"><button type="submit" name="action" value="connect">Connect</button><button type="submit" name="action" value="cancel">Cancel</button></div>${recent}
</form>
</body>
</html>
`;
}

/** The page as the URL the dialog window loads. */
export function connectDialogUrl(view: ConnectDialogView): string {
  return `data:text/html;charset=utf-8,${encodeURIComponent(connectDialogHtml(view))}`;
}

/**
 * The dialog window: a child of the local window (modal when there is one), no preload,
 * isolated, sandboxed, no Node; tall enough for its recent list. Options written out at the
 * `new BrowserWindow` call for electronegativity.
 */
export function createConnectDialog<W>(
  BrowserWindow: WindowConstructor<W>,
  options: { parent?: BrowserWindowConstructorOptions['parent']; recent: number; devTools: boolean; dark: boolean },
): W {
  return new BrowserWindow({
    width: 520,
    height: 240 + (options.recent > 0 ? 28 + 34 * options.recent : 0),
    useContentSize: true,
    ...(options.parent === undefined ? {} : { parent: options.parent, modal: true }),
    resizable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    show: false,
    title: 'Connect to Team Server',
    backgroundColor: options.dark ? '#16181d' : '#ffffff',
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: false,
      devTools: options.devTools,
    },
  });
}
