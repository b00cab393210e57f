// The cell-output panel (a webview beside the editor): per cell, its latest run with its execution count, its
// stdout/stderr (library notices muted), rich values, last value, error with clickable stack frames (library
// frames folded), status and duration; the file's markdown cells rendered among them in file order; the kernel's
// state with a restart button; Clear buttons per cell and for all; collapse per cell. It follows execution: the
// running cell is scrolled into view unless the user scrolled away, and following resumes when they scroll back
// to the bottom. State lives in OutputState, kept with setState so it survives hiding and reload, and updated by
// the same applyToState the extension uses. Only the runs a message touches are redrawn, so a fit's progress
// updates do not rebuild every chart in the panel.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import { applyToState, formatDuration, isToWebview, runSummary, type CellRun, type FromWebview, type MarkdownCell, type OutputState, type ToWebview } from './cellOutputProtocol';
import { renderMarkdown } from './markdownView';
import { renderRichValue } from './richValueView';
import { frameText, groupFrames, isOpenable, type Frame } from './stackFrames';

interface PanelState extends OutputState {
  /** Cells whose outputs the user collapsed. */
  collapsed?: string[];
}

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const saved = (vscode.getState() as PanelState | undefined) ?? { file: '', kernel: 'none', runs: [] };
let state: OutputState = saved;
const collapsed = new Set(saved.collapsed ?? []);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label: string, title: string, onClick: () => void, className?: string): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  b.title = title;
  b.setAttribute('secondary', '');
  if (className) b.className = className;
  b.addEventListener('click', onClick);
  return b;
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
  header.append(el('span', 'kernel-message', state.kernelMessage ?? ''));
  header.append(button('Clear all', 'Clear all outputs (the kernel keeps its state)', () => vscode.postMessage({ type: 'clearOutputs' }), 'clear-all'));
  header.append(button(state.kernel === 'dead' ? 'Restart kernel' : 'Restart', 'Restart the kernel', () => vscode.postMessage({ type: 'restartKernel' })));
  return header;
}

function frameLink(frame: Frame): HTMLElement {
  const text = frameText(frame);
  if (!isOpenable(frame)) return el('span', undefined, text);
  const link = el('a', undefined, text);
  link.href = '#';
  link.addEventListener('click', (e) => {
    e.preventDefault();
    vscode.postMessage({ type: 'openLocation', file: frame.file, line: frame.line, column: frame.column });
  });
  return link;
}

function renderError(run: CellRun): HTMLElement {
  const error = run.error!;
  const box = el('div', 'error');
  box.append(el('div', 'error-head', `${error.name}: ${error.message}`));
  const frames = el('ol', 'frames');
  for (const group of groupFrames(error.frames)) {
    const item = el('li');
    if (group.kind === 'user') {
      item.append(frameLink(group.frame));
    } else {
      // Library frames fold into one line; opening it lists them, each pointing at a file that exists.
      const details = el('details', 'library-frames');
      details.append(el('summary', undefined, `${group.frames.length} library frame${group.frames.length === 1 ? '' : 's'}`));
      const list = el('ol');
      list.replaceChildren(...group.frames.map((frame) => {
        const li = el('li');
        li.append(frameLink(frame));
        return li;
      }));
      details.append(list);
      item.append(details);
    }
    frames.append(item);
  }
  box.append(frames);
  return box;
}

function renderRunBody(run: CellRun, width: number): HTMLElement {
  const body = el('div', 'run-body');
  let stream: HTMLPreElement | undefined;
  for (const item of run.items) {
    if (item.kind === 'stream') {
      // Consecutive chunks of one stream join into one block, as a terminal shows them.
      if (!stream || stream.dataset.name !== item.name) {
        stream = el('pre', `stream ${item.name}`);
        stream.dataset.name = item.name;
        body.append(stream);
      }
      stream.textContent += item.text;
    } else {
      stream = undefined;
      body.append(renderRichValue(item.value, width));
    }
  }
  if (run.value) body.append(renderRichValue(run.value, width));
  if (run.error) body.append(renderError(run));
  if (run.message) body.append(el('div', 'note', run.message));
  return body;
}

function setCollapsed(cellId: string, value: boolean): void {
  if (value) collapsed.add(cellId);
  else collapsed.delete(cellId);
  save();
  redrawRun(cellId);
}

function renderRun(run: CellRun, width: number): HTMLElement {
  const isCollapsed = collapsed.has(run.cellId);
  const section = el('section', `run run-${run.status}${isCollapsed ? ' collapsed' : ''}`);
  section.dataset.cellId = run.cellId;
  section.dataset.line = String(run.line);
  const title = el('div', 'run-title');
  const twisty = el('button', 'twisty', isCollapsed ? '▸' : '▾');
  twisty.title = isCollapsed ? 'Expand outputs' : 'Collapse outputs';
  twisty.addEventListener('click', () => setCollapsed(run.cellId, !isCollapsed));
  const count = el('span', 'execution-count', run.status === 'running' ? '[*]' : `[${run.runId}]`);
  const clear = button('Clear', 'Clear this cell’s outputs', () => vscode.postMessage({ type: 'clearOutputs', cellId: run.cellId }), 'clear-cell');
  title.append(twisty, count, el('span', 'run-label', run.label), el('span', 'run-summary', runSummary(run)));
  if (run.earlierKernel) {
    section.classList.add('earlier-kernel');
    title.append(el('span', 'run-earlier', 'from an earlier kernel'));
  }
  title.append(clear);
  section.append(title);
  if (!isCollapsed) section.append(renderRunBody(run, width));
  if (run.status !== 'running' && run.durationMs !== undefined) section.title = `ran in ${formatDuration(run.durationMs)}`;
  return section;
}

function renderMarkdownCell(cell: MarkdownCell): HTMLElement {
  const section = el('section', 'markdown');
  section.dataset.cellId = cell.cellId;
  section.dataset.line = String(cell.line);
  // renderMarkdown escapes raw HTML and refuses unsafe link targets (markdownView.ts).
  section.innerHTML = renderMarkdown(cell.markdown);
  return section;
}

const width = () => Math.max(240, document.body.clientWidth - 40);
let main: HTMLElement | undefined;

/** Runs and markdown cells in file order, by the line where each cell starts. */
function orderedEntries(): ({ line: number; run: CellRun } | { line: number; markdown: MarkdownCell })[] {
  const runs = state.runs.map((run) => ({ line: run.line, run }));
  const markdown = (state.markdown ?? []).map((cell) => ({ line: cell.line, markdown: cell }));
  return [...runs, ...markdown].sort((a, b) => a.line - b.line);
}

function render(): void {
  main = el('main');
  main.append(renderHeader());
  if (state.runs.length === 0 && !state.markdown?.length) main.append(el('p', 'empty', 'Run a cell (Shift+Enter) to see its output here.'));
  for (const entry of orderedEntries()) main.append('run' in entry ? renderRun(entry.run, width()) : renderMarkdownCell(entry.markdown));
  document.body.replaceChildren(main);
}

function redrawRun(cellId: string): void {
  const run = state.runs.find((r) => r.cellId === cellId);
  const existing = main?.querySelector(`section.run[data-cell-id="${CSS.escape(cellId)}"]`);
  if (!run || !existing) return render();
  existing.replaceWith(renderRun(run, width()));
}

function redrawHeader(): void {
  main?.querySelector('header')?.replaceWith(renderHeader());
}

function save(): void {
  vscode.setState({ ...state, collapsed: [...collapsed] });
}

// ---- following execution ----------------------------------------------------------------------------------------

/** Whether the panel scrolls to the running cell; off once the user scrolls away, on again at the bottom. */
let following = true;
/** Where the panel's own last scroll left the page: a scroll event that lands elsewhere is the user's. */
let followedTo: number | undefined;

function atBottom(): boolean {
  return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 8;
}

window.addEventListener(
  'scroll',
  () => {
    if (window.scrollY === followedTo) return;
    followedTo = undefined;
    following = atBottom() || isRunningInView();
  },
  { passive: true },
);

function runningSection(): HTMLElement | undefined {
  const running = state.runs.find((r) => r.status === 'running');
  return (running && main?.querySelector<HTMLElement>(`section.run[data-cell-id="${CSS.escape(running.cellId)}"]`)) || undefined;
}

function isRunningInView(): boolean {
  const section = runningSection();
  if (!section) return false;
  const box = section.getBoundingClientRect();
  return box.bottom > 0 && box.top < window.innerHeight;
}

/** Scrolls so the cell that runs (or the one that just failed) shows its newest output. */
function follow(cellId: string | undefined): void {
  if (!following || !cellId) return;
  const section = main?.querySelector<HTMLElement>(`section.run[data-cell-id="${CSS.escape(cellId)}"]`);
  if (!section) return;
  const box = section.getBoundingClientRect();
  // A tall output shows its end (the newest lines), a short one shows whole. Both scrolls are instant.
  if (box.height > window.innerHeight - 60) window.scrollBy({ top: box.bottom - window.innerHeight + 8 });
  else if (box.top < 48 || box.bottom > window.innerHeight) section.scrollIntoView({ block: 'nearest' });
  followedTo = window.scrollY;
}

// ---- messages ---------------------------------------------------------------------------------------------------

function apply(message: ToWebview): void {
  state = applyToState(state, message);
  save();
  switch (message.type) {
    case 'runStarted':
      render();
      follow(message.run.cellId);
      return;
    case 'output':
    case 'runFinished':
      redrawRun(message.cellId);
      if (message.type === 'runFinished') redrawHeader();
      follow(message.cellId);
      return;
    case 'kernel':
      redrawHeader();
      return;
    case 'reset':
    case 'clear':
    case 'markdown':
      render();
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isToWebview(event.data)) apply(event.data);
});

render();
vscode.postMessage({ type: 'ready' });
