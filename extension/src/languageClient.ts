// Starts and restarts the mlts language server (dist/server.js) through vscode-languageclient, and reports
// its state to the status bar. What the server computes (diagnostics, hovers, ...) is the server's business;
// this module only decides which documents it sees.
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { ML_TS_GLOB, Settings } from './constants';
import type { MltsStatusBar } from './statusBar';

function documentSelector(): LanguageClientOptions['documentSelector'] {
  const selector: NonNullable<LanguageClientOptions['documentSelector']> = [
    { scheme: 'file', language: 'typescript', pattern: ML_TS_GLOB },
    { scheme: 'untitled', language: 'typescript', pattern: ML_TS_GLOB },
  ];
  // The server itself skips files that do not import tfjs, so widening the selector is cheap.
  if (vscode.workspace.getConfiguration().get<boolean>(Settings.checkAllTfjsFiles, false)) {
    for (const language of ['typescript', 'javascript', 'typescriptreact', 'javascriptreact']) {
      selector.push({ scheme: 'file', language });
    }
  }
  return selector;
}

export class ShapeServerClient implements vscode.Disposable {
  private client: LanguageClient | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly statusBar: MltsStatusBar,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  async start(): Promise<void> {
    const module = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=127.0.0.1:6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelector(),
      outputChannel: this.output,
      synchronize: { configurationSection: Settings.section },
    };
    const client = new LanguageClient('mlts', 'mlts shape server', serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState(({ newState }) => {
      this.statusBar.setServerState(newState === State.Running ? 'running' : newState === State.Starting ? 'starting' : 'stopped');
    });
    try {
      await client.start();
    } catch (err) {
      this.statusBar.setServerState('failed');
      this.output.error(`mlts shape server failed to start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.stop().catch(() => undefined);
  }

  dispose(): void {
    void this.stop();
  }
}
