// The mlts language server's entry point and its only LSP-aware layer: it keeps the open documents, runs the
// shape analysis on them (debounced, newest version only) and publishes the results as LSP diagnostics.
// The analysis itself lives in ../analysis and knows nothing of LSP.
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentAnalyzer } from './documentAnalyzer';
import { toLspDiagnostic } from './lspConvert';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

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

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
  },
  serverInfo: { name: 'mlts shape server' },
}));

documents.onDidOpen(({ document }) => analyzer.schedule(document, 0));
documents.onDidChangeContent(({ document }) => analyzer.schedule(document));
documents.onDidClose(({ document }) => {
  analyzer.forget(document.uri);
  connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
});

documents.listen(connection);
connection.listen();
