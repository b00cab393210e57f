// The one helper that renders every webview's HTML shell: a Content-Security-Policy of `default-src 'none'`,
// styles and scripts only from the extension's built assets (the webview's `cspSource`) with a fresh nonce on
// each script tag, and `localResourceRoots` limited to those assets. Panels pass their body and asset names.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** Escapes text for HTML element content and attribute values; every string from user code goes through it. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Webview options that allow scripts (when asked) and only the built assets as local resources. */
export function webviewOptions(extensionUri: vscode.Uri, enableScripts: boolean): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews'), vscode.Uri.joinPath(extensionUri, 'media')],
    retainContextWhenHidden: false,
  };
}

export interface ShellOptions {
  title: string;
  /** Trusted HTML for the body; interpolate user strings only through escapeHtml. */
  body: string;
  /** CSS files, relative to the extension root (`media/x.css`, `dist/webviews/uPlot.min.css`). */
  styles?: string[];
  /** Script files under dist/webviews/, loaded as modules with the nonce. */
  scripts?: string[];
}

export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, options: ShellOptions): string {
  const nonce = newNonce();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const styles = (options.styles ?? [])
    .map((s) => `<link rel="stylesheet" href="${webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...s.split('/')))}">`)
    .join('\n    ');
  const scripts = (options.scripts ?? [])
    .map((s) => `<script type="module" nonce="${nonce}" src="${webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webviews', s))}"></script>`)
    .join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>${escapeHtml(options.title)}</title>
    ${styles}
  </head>
  <body>
    ${options.body}
    ${scripts}
  </body>
</html>`;
}
