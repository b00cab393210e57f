// The model-summary table opened by the CodeLens above a model definition: one row per layer with its type,
// output shape, parameter count and whether it trains, and totals like Keras' `model.summary()`. The data
// comes from the language server (static analysis, nothing runs); the table is static HTML, so the webview
// runs no script at all.
import * as vscode from 'vscode';
import { ShowModelSummary } from '../../server/src/lsp/protocol';
import { escapeHtml, renderWebviewHtml, webviewOptions } from './webviews/webviewHtml';

const count = new Intl.NumberFormat('en-US');

export function modelSummaryBody(args: ShowModelSummary.Args): string {
  const { model } = args;
  const rows = model.layers
    .map(
      (layer) => `<tr class="${layer.trainable ? '' : 'frozen'}">
        <td>${escapeHtml(layer.name)} <span class="type">(${escapeHtml(layer.type)})</span></td>
        <td><code>${escapeHtml(layer.outputShape)}</code></td>
        <td class="num">${count.format(layer.params)}</td>
        <td>${layer.trainable ? 'yes' : 'frozen'}</td>
      </tr>`,
    )
    .join('\n');
  const frozen = model.totalParams - model.trainableParams;
  return `<h1>${escapeHtml(model.name)}</h1>
    <p class="source">${escapeHtml(vscode.Uri.parse(args.uri).fsPath)}, line ${model.range.start.line + 1} · inferred statically</p>
    <table>
      <thead><tr><th>Layer (type)</th><th>Output shape</th><th class="num">Param #</th><th>Trainable</th></tr></thead>
      <tbody>${rows}</tbody>
    </table>
    <dl class="totals">
      <dt>Total params</dt><dd>${count.format(model.totalParams)}</dd>
      <dt>Trainable params</dt><dd>${count.format(model.trainableParams)}</dd>
      <dt>Non-trainable params</dt><dd>${count.format(frozen)}</dd>
    </dl>`;
}

export function showModelSummary(context: vscode.ExtensionContext, raw: unknown): void {
  if (!ShowModelSummary.isArgs(raw)) {
    void vscode.window.showErrorMessage('mlts: the model summary arrived malformed; restart the shape server and try again.');
    return;
  }
  const panel = vscode.window.createWebviewPanel(
    'mlts.modelSummary',
    `Summary: ${raw.model.name}`,
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
    webviewOptions(context.extensionUri, false),
  );
  panel.webview.html = renderWebviewHtml(panel.webview, context.extensionUri, {
    title: `Summary: ${raw.model.name}`,
    body: modelSummaryBody(raw),
    styles: ['media/modelSummary.css'],
  });
}
