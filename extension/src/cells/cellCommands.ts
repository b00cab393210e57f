// The cell commands (Run Cell, Run Cell and Advance, Debug Cell, Run Above/Below, Run All in a fresh kernel,
// Run Cell and Dependents, Interrupt, Restart, Show Output, Clear Outputs) and the map from `.ml.ts` files to their kernel
// sessions. Every command that runs code passes the workspace-trust gate first. Debug Cell attaches VS Code's
// JavaScript debugger (js-debug) to the kernel's loopback inspector with `pauseForSourceMap`, so breakpoints
// in the `.ml.ts` file bind through each cell's inline source map.
import * as vscode from 'vscode';
import { dependentsOf } from '../../../runtime/src/cells/cellGraph';
import { markdownText } from '../../../runtime/src/cells/cellParser';
import { Commands } from '../constants';
import { ensureTrusted } from '../trust';
import { typescriptTools } from '../typescriptToolsLoader';
import { cellLabel, type CellTarget } from './cellEditorFeatures';
import { isMlTsDocument, type Cell, type CellIndex } from './cellIndex';
import type { CellOutputPanels } from './cellOutputPanel';
import { KernelSession, type SessionEnvironment } from './kernelSession';
import { TENSOR_DESCRIPTION_GENERATOR, TENSOR_PROPERTIES_GENERATOR } from './tensorDebugView';

export const KERNEL_DEBUG_SESSION_PREFIX = 'mlts kernel: ';

function isCellTarget(value: unknown): value is CellTarget {
  return typeof value === 'object' && value !== null && typeof (value as CellTarget).uri === 'string' && Number.isInteger((value as CellTarget).line);
}

export class CellController implements vscode.Disposable {
  private readonly sessions = new Map<string, KernelSession>();
  private readonly created = new vscode.EventEmitter<KernelSession>();
  readonly onDidCreateSession = this.created.event;
  panels: CellOutputPanels | undefined;

  constructor(
    private readonly index: CellIndex,
    private readonly env: SessionEnvironment,
  ) {}

  sessionFor(uri: vscode.Uri): KernelSession | undefined {
    return this.sessions.get(uri.toString());
  }

  /** The file's session, created (without a kernel: that starts on the first run) when there is none. */
  session(uri: vscode.Uri): KernelSession {
    let session = this.sessions.get(uri.toString());
    if (!session) {
      session = new KernelSession(uri, this.env);
      this.sessions.set(uri.toString(), session);
      this.created.fire(session);
    }
    return session;
  }

  /** The document and cell a command is about: its argument, or the cell under the cursor. */
  private async resolve(arg: unknown): Promise<{ document: vscode.TextDocument; cell: Cell | undefined } | undefined> {
    if (isCellTarget(arg)) {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(arg.uri));
      return { document, cell: this.index.cellAt(document, arg.line) };
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || !isMlTsDocument(editor.document)) {
      void vscode.window.showErrorMessage('mlts: open a .ml.ts file to run its cells.');
      return undefined;
    }
    return { document: editor.document, cell: this.index.cellAt(editor.document, editor.selection.active.line) };
  }

  /** Warns (without blocking) when a cell reads values from cells that never ran or are stale. */
  private warnAboutUpstream(session: KernelSession, document: vscode.TextDocument, cell: Cell): void {
    const cells = this.index.codeCells(document);
    const warnings = session.stale.warningsBefore(cell.id, cells);
    if (warnings.length === 0) return;
    const byId = new Map(cells.map((c) => [c.id, c]));
    const parts = warnings.map((w) => `${w.names.map((n) => `\`${n}\``).join(', ')} from ${cellLabel(byId.get(w.cellId)!)} (${w.problem})`);
    void vscode.window.showWarningMessage(`mlts: ${cellLabel(cell)} uses ${parts.join('; ')}.`);
  }

  async run(arg: unknown, scope: 'cell' | 'above' | 'below' | 'dependents', options: { advance?: boolean } = {}): Promise<void> {
    if (!ensureTrusted('Run Cell')) return;
    const target = await this.resolve(arg);
    if (!target?.cell) return;
    const { document, cell } = target;
    const code = this.index.codeCells(document);
    let cells: Cell[];
    switch (scope) {
      case 'cell':
        cells = [cell];
        break;
      case 'above':
        cells = code.filter((c) => c.index < cell.index);
        break;
      case 'below':
        cells = code.filter((c) => c.index >= cell.index);
        break;
      case 'dependents': {
        const graph = typescriptTools().analyzeCellDependencies(code);
        const dependents = new Set(dependentsOf(graph, cell.id));
        cells = code.filter((c) => c.id === cell.id || dependents.has(c.id));
        break;
      }
    }
    if (cell.kind !== 'code' && scope === 'cell') cells = [];
    if (options.advance) this.moveToNextCell(document, cell);
    if (cells.length === 0) return;
    const session = this.session(document.uri);
    this.sendMarkdown(session, document);
    this.panels?.show(session);
    this.warnAboutUpstream(session, document, cells[0]!);
    await session.run(cells, document);
  }

  /** Gives the session the file's markdown cells, which the panel renders in order among the outputs. */
  sendMarkdown(session: KernelSession, document: vscode.TextDocument): void {
    const markdown = this.index.cells(document).filter((c) => c.kind === 'markdown');
    session.setMarkdown(markdown.map((c) => ({ cellId: c.id, line: c.startLine, markdown: markdownText(c.text) })));
  }

  /** Moves the cursor to the next code cell: markdown cells are passed over, as a notebook does when running. */
  private moveToNextCell(document: vscode.TextDocument, cell: Cell): void {
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    const after = this.index.cells(document).filter((c) => c.index > cell.index);
    const next = after.find((c) => c.kind === 'code') ?? after.at(-1);
    if (!editor || !next) return;
    const position = new vscode.Position(Math.min(next.codeStartLine, document.lineCount - 1), 0);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position));
  }

  /** Restarts the kernel, then runs every code cell top to bottom: proof that the file runs in order. */
  async runAllFresh(): Promise<void> {
    if (!ensureTrusted('Run All')) return;
    const target = await this.resolve(undefined);
    if (!target) return;
    const session = this.session(target.document.uri);
    this.sendMarkdown(session, target.document);
    this.panels?.show(session);
    await session.restart();
    await session.run(this.index.codeCells(target.document), target.document);
  }

  async debug(arg: unknown): Promise<void> {
    if (!ensureTrusted('Debug Cell')) return;
    const target = await this.resolve(arg);
    if (!target?.cell || target.cell.kind !== 'code') return;
    const session = this.session(target.document.uri);
    await session.ensureKernel();
    const port = session.inspectorPort;
    if (port === undefined) {
      void vscode.window.showErrorMessage('mlts: the kernel has no inspector to attach to; restart the kernel and try again.');
      return;
    }
    await this.attachDebugger(target.document, port);
    this.panels?.show(session);
    await session.run([target.cell], target.document);
  }

  private async attachDebugger(document: vscode.TextDocument, port: number): Promise<void> {
    const name = `${KERNEL_DEBUG_SESSION_PREFIX}${document.uri.fsPath.split(/[\\/]/).pop()} (${port})`;
    if (vscode.debug.activeDebugSession?.name === name) return;
    // The cell may run only once js-debug has set the breakpoints in the kernel. js-debug's attach session
    // starts a child session for the process it finds, and the child binds the breakpoints between its
    // `initialized` event and its answer to `configurationDone`, so the tracker waits for the child's answer.
    let tracker: vscode.Disposable | undefined;
    const configured = new Promise<void>((resolve) => {
      tracker = vscode.debug.registerDebugAdapterTrackerFactory('*', {
        createDebugAdapterTracker: (session) =>
          session.parentSession?.name === name
            ? {
                onDidSendMessage: (message: { type?: string; command?: string }) => {
                  if (message.type === 'response' && message.command === 'configurationDone') resolve();
                },
              }
            : undefined,
      });
    });
    const ok = await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(document.uri), {
      type: 'node',
      request: 'attach',
      name,
      address: '127.0.0.1',
      port,
      // Cells are compiled with inline source maps; js-debug must read each map before the script runs so
      // breakpoints set in the .ml.ts file bind on the first run of the cell.
      pauseForSourceMap: true,
      sourceMaps: true,
      resolveSourceMapLocations: null,
      skipFiles: ['<node_internals>/**', '**/dist/runtime/**'],
      continueOnAttach: true,
      // Tensors read `Tensor [5,64,64,3] float32` in Variables, hovers and watch, values one expand away.
      customDescriptionGenerator: TENSOR_DESCRIPTION_GENERATOR,
      customPropertiesGenerator: TENSOR_PROPERTIES_GENERATOR,
    });
    if (!ok) {
      tracker?.dispose();
      throw new Error('the debugger could not attach to the kernel');
    }
    await configured;
    tracker?.dispose();
  }

  async interrupt(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const session = editor && this.sessionFor(editor.document.uri);
    const reply = await session?.interrupt();
    if (reply && reply.outcome !== 'notInterruptible') vscode.window.setStatusBarMessage(`mlts: ${reply.message}`, 5000);
  }

  async restart(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const session = editor && this.sessionFor(editor.document.uri);
    if (!session) return;
    if (!ensureTrusted('Restart Kernel')) return;
    await session.restart();
  }

  showOutput(): void {
    const editor = vscode.window.activeTextEditor;
    const session = editor && this.sessionFor(editor.document.uri);
    if (!session) return;
    this.sendMarkdown(session, editor.document);
    this.panels?.show(session);
  }

  /** Clears the outputs of the given cell (or the cell under the cursor), or of every cell of the file. */
  async clearOutputs(arg: unknown, scope: 'cell' | 'all'): Promise<void> {
    const target = await this.resolve(arg);
    const session = target && this.sessionFor(target.document.uri);
    if (!session) return;
    if (scope === 'all') session.clearOutputs();
    else if (target.cell) session.clearOutputs(target.cell.id);
  }

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand(Commands.runCell, (arg?: unknown) => this.run(arg, 'cell')),
      vscode.commands.registerCommand(Commands.runCellAndAdvance, (arg?: unknown) => this.run(arg, 'cell', { advance: true })),
      vscode.commands.registerCommand(Commands.runAbove, (arg?: unknown) => this.run(arg, 'above')),
      vscode.commands.registerCommand(Commands.runBelow, (arg?: unknown) => this.run(arg, 'below')),
      vscode.commands.registerCommand(Commands.runCellAndDependents, (arg?: unknown) => this.run(arg, 'dependents')),
      vscode.commands.registerCommand(Commands.runAllFresh, () => this.runAllFresh()),
      vscode.commands.registerCommand(Commands.debugCell, (arg?: unknown) => this.debug(arg)),
      vscode.commands.registerCommand(Commands.interruptKernel, () => this.interrupt()),
      vscode.commands.registerCommand(Commands.restartKernel, () => this.restart()),
      vscode.commands.registerCommand(Commands.showCellOutput, () => this.showOutput()),
      vscode.commands.registerCommand(Commands.clearCellOutputs, (arg?: unknown) => this.clearOutputs(arg, 'cell')),
      vscode.commands.registerCommand(Commands.clearAllOutputs, (arg?: unknown) => this.clearOutputs(arg, 'all')),
    ];
  }

  dispose(): void {
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
    this.created.dispose();
  }
}
