// The model-summary table opened by the CodeLens above a model definition: one row per layer with its type,
// output shape, parameter count and whether it trains (a nested model is one row, its layers indented below), and totals like Keras' `model.summary()`. The data
// comes from the language server (static analysis, nothing runs); the table is static HTML, so the webview
// runs no script at all.
import * as vscode from 'vscode';
import type { LayerSummary } from '../../server/src/analysis/index';
import { ShowModelSummary } from '../../server/src/lsp/protocol';
import { escapeHtml, renderWebviewHtml, webviewOptions } from './webviews/webviewHtml';

const count = new Intl.NumberFormat('en-US');

/** `yes`, `frozen`, or for a nested model whose layers are partly frozen, how much of it trains. */
function trainsText(layer: LayerSummary): string {
  if (!layer.layers) return layer.trainable ? 'yes' : 'frozen';
  if (layer.trainableParams === 0 && layer.params > 0) return 'frozen';
  return layer.trainableParams < layer.params ? `${count.format(layer.trainableParams)} of ${count.format(layer.params)}` : 'yes';
}

/** One row per layer; a nested model is one row (as `model.summary()` prints it) followed by its layers, indented. */
function layerRows(layers: LayerSummary[], depth: number): string {
  return layers
    .map((layer) => {
      const row = `<tr class="${trainsText(layer) === 'frozen' ? 'frozen' : ''}${depth > 0 ? ' nested' : ''}">
        <td>${'&nbsp;&nbsp;'.repeat(depth * 2)}${escapeHtml(layer.name)} <span class="type">(${escapeHtml(layer.type)})</span></td>
        <td><code>${escapeHtml(layer.outputShape)}</code></td>
        <td class="num">${count.format(layer.params)}</td>
        <td>${trainsText(layer)}</td>
      </tr>`;
      return layer.layers ? `${row}\n${layerRows(layer.layers, depth + 1)}` : row;
    })
    .join('\n');
}

export function modelSummaryBody(args: ShowModelSummary.Args): string {
  const { model } = args;
  if (model.unknownReason !== undefined) {
    return `<h1>${escapeHtml(model.name)}</h1>
    <p class="source">${escapeHtml(vscode.Uri.parse(args.uri).fsPath)}, line ${model.range.start.line + 1}</p>
    <p>Summary unavailable: ${escapeHtml(model.unknownReason)}.</p>`;
  }
  const rows = layerRows(model.layers, 0);
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
