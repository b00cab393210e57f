// The cell-output panel (a webview beside the editor): per cell, its latest run's stdout/stderr, rich
// values, last value, error with clickable stack frames, status and duration, and the kernel's state with a
// restart button. State lives in OutputState, kept with setState so it survives hiding and reload, and
// updated by the same applyToState the extension uses.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import { applyToState, formatDuration, isToWebview, runSummary, type CellRun, type FromWebview, type OutputState } from './cellOutputProtocol';
import { renderRichValue } from './richValueView';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: OutputState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let state: OutputState = (vscode.getState() as OutputState | undefined) ?? { file: '', kernel: 'none', runs: [] };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const KERNEL_TEXT: Record<OutputState['kernel'], string> = {
  none: 'no kernel',
  starting: 'kernel starting…',
  idle: 'kernel idle',
  busy: 'kernel busy',
  dead: 'kernel died',
};

function renderHeader(): HTMLElement {
  const header = el('header');
  const badge = el('span', `kernel kernel-${state.kernel}`, KERNEL_TEXT[state.kernel]);
  header.append(el('span', 'file', state.file.split(/[\\/]/).pop() ?? ''), badge);
  if (state.kernelMessage) header.append(el('span', 'kernel-message', state.kernelMessage));
  const restart = document.createElement('vscode-button');
  restart.textContent = state.kernel === 'dead' ? 'Restart kernel' : 'Restart';
  restart.setAttribute('secondary', '');
  restart.addEventListener('click', () => vscode.postMessage({ type: 'restartKernel' }));
  header.append(restart);
  return header;
}

function renderError(run: CellRun): HTMLElement {
  const box = el('div', 'error');
  box.append(el('div', 'error-head', `${run.error!.name}: ${run.error!.message}`));
  const frames = el('ol', 'frames');
  for (const frame of run.error!.frames) {
    const item = el('li');
    const isFile = frame.file.startsWith('/') || /^[A-Za-z]:\\/.test(frame.file);
    const text = `${frame.functionName ?? '<anonymous>'} (${frame.file}:${frame.line}:${frame.column})`;
    if (isFile) {
      const link = el('a', undefined, text);
      link.href = '#';
      link.addEventListener('click', (e) => {
        e.preventDefault();
        vscode.postMessage({ type: 'openLocation', file: frame.file, line: frame.line - 1, column: Math.max(0, frame.column - 1) });
      });
      item.append(link);
    } else {
      item.textContent = text;
    }
    frames.append(item);
  }
  box.append(frames);
  return box;
}

function renderRun(run: CellRun, width: number): HTMLElement {
  const section = el('section', `run run-${run.status}`);
  section.dataset.cellId = run.cellId;
  const title = el('div', 'run-title');
  title.append(el('span', 'run-label', run.label), el('span', 'run-summary', runSummary(run)));
  if (run.earlierKernel) {
    section.classList.add('earlier-kernel');
    title.append(el('span', 'run-earlier', 'from an earlier kernel'));
  }
  section.append(title);
  let stream: HTMLPreElement | undefined;
  for (const item of run.items) {
    if (item.kind === 'stream') {
      // Consecutive chunks of one stream join into one block, as a terminal shows them.
      if (!stream || stream.dataset.name !== item.name) {
        stream = el('pre', `stream ${item.name}`);
        stream.dataset.name = item.name;
        section.append(stream);
      }
      stream.textContent += item.text;
    } else {
      stream = undefined;
      section.append(renderRichValue(item.value, width));
    }
  }
  if (run.value) section.append(renderRichValue(run.value, width));
  if (run.error) section.append(renderError(run));
  if (run.message) section.append(el('div', 'note', run.message));
  if (run.status !== 'running' && run.durationMs !== undefined) section.title = `ran in ${formatDuration(run.durationMs)}`;
  return section;
}

function render(): void {
  const width = Math.max(240, document.body.clientWidth - 40);
  const root = el('main');
  root.append(renderHeader());
  if (state.runs.length === 0) root.append(el('p', 'empty', 'Run a cell (Shift+Enter) to see its output here.'));
  for (const run of [...state.runs].sort((a, b) => a.line - b.line)) root.append(renderRun(run, width));
  document.body.replaceChildren(root);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isToWebview(event.data)) return;
  state = applyToState(state, event.data);
  vscode.setState(state);
  render();
});

render();
vscode.postMessage({ type: 'ready' });
