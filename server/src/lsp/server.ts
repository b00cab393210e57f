// The mlts language server's entry point and its only LSP-aware layer: it keeps the open documents, runs the
// shape analysis on them (debounced, newest version only) and answers LSP requests — diagnostics, hovers,
// inlay hints and model-summary CodeLenses — by converting what ../analysis and ../features compute.
// Neither of those knows LSP.
import {
  CodeActionKind,
  type CodeAction,
  type CodeLens,
  createConnection,
  DidChangeConfigurationNotification,
  InlayHint,
  InlayHintKind,
  MarkupKind,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Hover,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { hoverMarkdown } from '../features/hoverContent';
import { shapeInlayHints } from '../features/inlayHints';
import { summaryLensTitle } from '../features/modelSummaryLens';
import { quickFixes } from '../features/quickFixes';
import { fileSystemHost } from '../fileSystemHost';
import { DocumentAnalyzer, fileNameOf } from './documentAnalyzer';
import { toLspDiagnostic } from './lspConvert';
import { ShowModelSummary } from './protocol';
import { SettingsCache } from './settingsCache';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const settings = new SettingsCache(connection);

const analyzer = new DocumentAnalyzer({
  onResult(document, result) {
    connection.sendDiagnostics({
      uri: document.uri,
      version: document.version,
      diagnostics: result.diagnostics.map((d) => toLspDiagnostic(d, document.uri)),
    });
  },
  onError(document, err) {
    connection.console.error(`mlts: analysis of ${document.uri} failed: ${err instanceof Error ? err.stack : String(err)}`);
  },
});

connection.onInitialize(({ capabilities }) => {
  settings.setSupported(capabilities.workspace?.configuration === true);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'mlts shape server' },
  };
});

connection.onInitialized(() => {
  void connection.client.register(DidChangeConfigurationNotification.type, { section: 'mlts' }).catch(() => undefined);
});

connection.onDidChangeConfiguration(() => {
  settings.clear();
  void connection.languages.inlayHint.refresh().catch(() => undefined);
});

documents.onDidOpen(({ document }) => analyzer.schedule(document, 0));
documents.onDidChangeContent(({ document }) => analyzer.schedule(document));
documents.onDidClose(({ document }) => {
  analyzer.forget(document.uri);
  settings.clear(document.uri);
  connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
});

connection.onHover(({ textDocument, position }): Hover | null => {
  const document = documents.get(textDocument.uri);
  const info = document && analyzer.current(document)?.shapeAt(position);
  return info ? { contents: { kind: MarkupKind.Markdown, value: hoverMarkdown(info) } } : null;
});

connection.languages.inlayHint.on(async ({ textDocument, range }): Promise<InlayHint[]> => {
  const document = documents.get(textDocument.uri);
  if (!document || !(await settings.get(textDocument.uri)).inlayHints.enabled) return [];
  const result = analyzer.current(document);
  // A skipped file (binary, too large, nested past the parser) is not parsed again for hints.
  if (!result || result.skipped) return [];
  return shapeInlayHints(fileNameOf(document.uri), document.getText(), result, range).map((hint) => ({
    position: hint.position,
    label: hint.label,
    kind: InlayHintKind.Type,
    paddingLeft: false,
  }));
});

connection.onCodeLens(({ textDocument }): CodeLens[] => {
  const document = documents.get(textDocument.uri);
  const result = document && analyzer.current(document);
  if (!result) return [];
  return result.models.map((model) => {
    const args: ShowModelSummary.Args = { uri: textDocument.uri, model };
    return {
      range: { start: model.range.start, end: model.range.start },
      command: {
        title: summaryLensTitle(model),
        command: ShowModelSummary.command,
        arguments: [args],
      },
    };
  });
});

connection.onCodeAction(({ textDocument, range }): CodeAction[] => {
  const document = documents.get(textDocument.uri);
  const result = document && analyzer.current(document);
  if (!document || !result || result.skipped) return [];
  const fixes = quickFixes({ fileName: fileNameOf(document.uri), text: document.getText(), host: fileSystemHost, result, range });
  return fixes.map((fix, i) => ({
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [toLspDiagnostic(fix.diagnostic, document.uri)],
    isPreferred: i === 0,
    edit: { changes: { [document.uri]: fix.edits } },
  }));
});

documents.listen(connection);
connection.listen();
