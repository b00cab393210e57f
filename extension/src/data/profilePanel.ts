// Hosts the data-profile webview: "mlts: Profile Data File" on a CSV/JSON file streams it through the runtime's
// profiler in the extension host (it yields to the event loop between blocks, and reports progress), checks it in
// the same pass against the `@data-contract` that names it in the workspace's `.ml.ts` files, and shows the result.
// One panel per data file; a WebviewPanelSerializer profiles the file again after a reload. Reading data runs
// no user code, so no trust gate is needed. What the panel draws is webviews/src/profilePanel.ts.
import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { formatContract } from '../../../runtime/src/data/contract';
import { ContractSink } from '../../../runtime/src/data/contractSink';
import { findDataContracts, type DeclaredContract } from '../../../runtime/src/data/contractSource';
import { profileDataFile } from '../../../runtime/src/data/dataProfile';
import {
  applyProfileMessage,
  initialProfileState,
  isFromProfileWebview,
  type ContractResult,
  type FromProfileWebview,
  type ProfileState,
  type ToProfileWebview,
} from '../../../webviews/src/profileProtocol';
import { renderWebviewHtml, webviewOptions } from '../webviews/webviewHtml';

export const DATA_PROFILE_VIEW_TYPE = 'mlts.dataProfile';

/** Files searched for contracts: the experiments, as the shape analysis sees them. */
const CONTRACT_SOURCES = '**/*.ml.ts';
const EXCLUDED = '**/{node_modules,.git,.mlts}/**';
/** Progress messages at most this often. */
const PROGRESS_INTERVAL_MS = 100;

interface DeclaredFor {
  source: vscode.Uri;
  declared: DeclaredContract;
}

/** The contracts in the workspace's `.ml.ts` files whose path resolves to `file`. */
async function contractsFor(file: string): Promise<DeclaredFor[]> {
  const found: DeclaredFor[] = [];
  const sources = await vscode.workspace.findFiles(CONTRACT_SOURCES, EXCLUDED, 2000);
  const target = resolve(file);
  for (const source of sources) {
    let text: string;
    try {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === source.toString());
      text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(source));
    } catch {
      continue;
    }
    for (const declared of findDataContracts(source.fsPath, text)) {
      if (declared.resolvedPath && resolve(declared.resolvedPath) === target) found.push({ source, declared });
    }
  }
  return found.sort((a, b) => a.source.fsPath.localeCompare(b.source.fsPath));
}

class ProfileView {
  state: ProfileState;
  private cancel: AbortController | undefined;

  constructor(
    readonly uri: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
  ) {
    this.state = initialProfileState(uri.fsPath);
  }

  post(message: ToProfileWebview): void {
    this.state = applyProfileMessage(this.state, message);
    void this.panel.webview.postMessage(message);
  }

  /** Streams the file again, cancelling a pass still running. */
  async profile(): Promise<void> {
    this.cancel?.abort();
    const cancel = new AbortController();
    this.cancel = cancel;
    this.post({ type: 'reset', state: initialProfileState(this.uri.fsPath) });
    try {
      const contracts = await contractsFor(this.uri.fsPath);
      const usable = contracts.find((c) => c.declared.errors.length === 0);
      const sink = usable ? new ContractSink(usable.declared.contract, 2000) : undefined;
      let lastProgress = 0;
      const profile = await profileDataFile(this.uri.fsPath, {
        signal: cancel.signal,
        also: sink ? [sink] : [],
        onProgress: (bytesRead, totalBytes) => {
          const now = Date.now();
          if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
          lastProgress = now;
          this.post({ type: 'progress', bytesRead, totalBytes });
        },
      });
      if (cancel.signal.aborted) return;
      let contract: ContractResult | undefined;
      let contractNote: string | undefined;
      if (usable && sink) {
        contract = {
          source: usable.source.fsPath,
          line: usable.declared.commentRange.start.line,
          text: formatContract(usable.declared.contract),
          report: sink.report,
          others: contracts.filter((c) => c !== usable).map((c) => vscode.workspace.asRelativePath(c.source)),
        };
      } else if (contracts.length) {
        const first = contracts[0]!;
        contractNote = `The contract in ${vscode.workspace.asRelativePath(first.source)} has errors: ${first.declared.errors[0]!.message}`;
      } else {
        contractNote = 'No `@data-contract` in the workspace’s .ml.ts files names this file. See docs/data-contracts.md.';
      }
      this.post({ type: 'profile', profile, contract, contractNote });
    } catch (err) {
      this.post({ type: 'failed', message: `Profiling failed: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  async onMessage(message: FromProfileWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        void this.panel.webview.postMessage({ type: 'reset', state: this.state } satisfies ToProfileWebview);
        return;
      case 'refresh':
        await this.profile();
        return;
      case 'openLine':
        await openAt(this.uri, message.line - 1);
        return;
      case 'openSource':
        await openAt(vscode.Uri.file(message.file), message.line);
        return;
      default: {
        const never: never = message;
        throw new Error(`unexpected webview message ${JSON.stringify(never)}`);
      }
    }
  }

  dispose(): void {
    this.cancel?.abort();
  }
}

async function openAt(uri: vscode.Uri, line: number): Promise<void> {
  const position = new vscode.Position(Math.max(0, line), 0);
  await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(position, position), preview: true });
}

function setHtml(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
  panel.webview.options = webviewOptions(extensionUri, true);
  panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, {
    title: panel.title,
    body: '',
    styles: ['media/profile.css'],
    scripts: ['profilePanel.js'],
  });
}

export class DataProfilePanels implements vscode.Disposable {
  private readonly views = new Map<string, ProfileView>();
  private readonly serializer: vscode.Disposable;

  constructor(private readonly extensionUri: vscode.Uri) {
    this.serializer = vscode.window.registerWebviewPanelSerializer(DATA_PROFILE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const file = (state as Partial<ProfileState> | undefined)?.file;
        if (typeof file !== 'string' || !file) {
          panel.dispose();
          return;
        }
        setHtml(panel, this.extensionUri);
        void this.adopt(vscode.Uri.file(file), panel).profile();
      },
    });
  }

  /** Opens (or reveals) the profile of a data file and profiles it. */
  async show(uri: vscode.Uri): Promise<void> {
    const existing = this.views.get(uri.toString());
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside);
      await existing.profile();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      DATA_PROFILE_VIEW_TYPE,
      `Profile: ${uri.path.split('/').pop()}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      webviewOptions(this.extensionUri, true),
    );
    setHtml(panel, this.extensionUri);
    await this.adopt(uri, panel).profile();
  }

  private adopt(uri: vscode.Uri, panel: vscode.WebviewPanel): ProfileView {
    const view = new ProfileView(uri, panel);
    const key = uri.toString();
    this.views.set(key, view);
    panel.onDidDispose(() => {
      view.dispose();
      if (this.views.get(key) === view) this.views.delete(key);
    });
    panel.webview.onDidReceiveMessage((raw: unknown) => {
      if (!isFromProfileWebview(raw)) return;
      void view.onMessage(raw);
    });
    return view;
  }

  dispose(): void {
    this.serializer.dispose();
    for (const view of this.views.values()) view.panel.dispose();
  }
}

/** The data file a command applies to: the explorer selection, else the active editor's file, else ask. */
async function targetFile(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && /\.(csv|tsv|json|jsonl|ndjson)$/i.test(active.path)) return active;
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Profile', filters: { 'Data files': ['csv', 'tsv', 'json', 'jsonl', 'ndjson'] } });
  return picked?.[0];
}

/** Registers the Profile Data File command and the panel's serializer; extension.ts pushes the result to subscriptions. */
export function registerDataProfile(context: vscode.ExtensionContext, commandId: string): vscode.Disposable[] {
  const panels = new DataProfilePanels(context.extensionUri);
  return [
    panels,
    vscode.commands.registerCommand(commandId, async (arg?: unknown) => {
      const uri = await targetFile(arg);
      if (!uri) return;
      if (uri.scheme !== 'file') {
        void vscode.window.showWarningMessage('mlts profiles data files on the local disk only.');
        return;
      }
      await panels.show(uri);
    }),
  ];
}
