// The data-profile panel: a progress bar while the extension streams the file, then the file's summary and
// issues, the rows that break the declared contract, and one card per column (type, missing, distinct,
// min/max/mean/std and quartiles, a histogram, top values, outlier rows and stray values). Every line number is
// a link that opens the data file there. Every string from the file is set with textContent, never as HTML.
// State lives in ProfileState, kept with setState so the panel survives hiding and reload.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import {
  applyProfileMessage,
  formatBytes,
  formatStat,
  isToProfileWebview,
  type ColumnProfile,
  type ContractResult,
  type FromProfileWebview,
  type Histogram,
  type ProfileState,
  type RowValue,
} from './profileProtocol';

interface VsCodeApi {
  postMessage(message: FromProfileWebview): void;
  getState(): unknown;
  setState(state: ProfileState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let state: ProfileState = (vscode.getState() as ProfileState | undefined) ?? { file: '', status: 'loading', bytesRead: 0, totalBytes: 0 };

/** Rows listed per table before "… and N more". */
const MAX_LISTED = 200;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const count = (n: number) => n.toLocaleString('en-US');

/** A link to a line of the data file. */
function lineLink(line: number): HTMLAnchorElement {
  const link = el('a', 'line-link', `line ${count(line)}`);
  link.href = '#';
  link.dataset.line = String(line);
  link.addEventListener('click', (e) => {
    e.preventDefault();
    vscode.postMessage({ type: 'openLine', line });
  });
  return link;
}

function renderHeader(): HTMLElement {
  const header = el('header');
  header.append(el('span', 'file', state.file.split(/[\\/]/).pop() ?? ''));
  const p = state.profile;
  if (p) {
    const facts = [
      `${count(p.rows)} rows`,
      `${p.columns.length} columns`,
      formatBytes(p.bytes),
      p.format === 'csv' ? `delimiter ${p.delimiter === '\t' ? 'tab' : JSON.stringify(p.delimiter)}` : 'JSON',
      p.encoding,
      `${Math.round(p.elapsedMs)} ms`,
    ];
    header.append(el('span', 'facts', facts.join(' · ')));
  }
  const refresh = document.createElement('vscode-button');
  refresh.textContent = 'Profile again';
  refresh.setAttribute('secondary', '');
  refresh.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  header.append(refresh);
  return header;
}

function renderProgress(): HTMLElement {
  const box = el('section', 'loading');
  const bar = el('progress');
  bar.max = Math.max(1, state.totalBytes);
  bar.value = state.bytesRead;
  const percent = state.totalBytes ? Math.floor((100 * state.bytesRead) / state.totalBytes) : 0;
  box.append(el('div', 'note', `Reading ${state.file.split(/[\\/]/).pop() ?? ''}… ${percent}% (${formatBytes(state.bytesRead)} of ${formatBytes(state.totalBytes)})`), bar);
  return box;
}

function renderIssues(): HTMLElement | undefined {
  const p = state.profile;
  if (!p || p.issues.length === 0) return undefined;
  const box = el('section', 'issues');
  box.append(el('h2', undefined, 'File problems'));
  const list = el('ul');
  for (const issue of p.issues) {
    const item = el('li', `issue issue-${issue.kind}`);
    if (issue.line) item.append(lineLink(issue.line), document.createTextNode(' '));
    item.append(el('span', undefined, issue.message));
    list.append(item);
  }
  if (p.raggedRows > p.issues.filter((i) => i.kind === 'ragged' || i.kind === 'mixed-delimiters').length) {
    list.append(el('li', 'note', `${count(p.raggedRows)} rows in all have the wrong number of fields.`));
  }
  box.append(list);
  return box;
}

function renderContract(contract: ContractResult | undefined, note: string | undefined): HTMLElement {
  const box = el('section', 'contract');
  box.append(el('h2', undefined, 'Data contract'));
  if (!contract) {
    box.append(el('p', 'note', note ?? 'No `@data-contract` in the workspace names this file.'));
    return box;
  }
  const head = el('div', 'contract-head');
  const source = el('a', 'source-link', `${contract.source.split(/[\\/]/).pop() ?? ''}:${contract.line + 1}`);
  source.href = '#';
  source.addEventListener('click', (e) => {
    e.preventDefault();
    vscode.postMessage({ type: 'openSource', file: contract.source, line: contract.line });
  });
  head.append(source, el('code', 'contract-text', contract.text));
  box.append(head);
  const r = contract.report;
  if (r.violationCount === 0) {
    box.append(el('p', 'ok', `All ${count(r.rows)} rows satisfy the contract.`));
  } else {
    const byColumn = Object.entries(r.byColumn)
      .map(([c, n]) => `${c}: ${count(n)}`)
      .join(', ');
    box.append(el('p', 'broken', `${count(r.violationCount)} violation${r.violationCount === 1 ? '' : 's'} in ${count(r.badRows)} of ${count(r.rows)} rows (${byColumn}).`));
    const table = el('table', 'violations');
    const headRow = el('tr');
    for (const h of ['row', 'column', 'value', 'why', 'rule']) headRow.append(el('th', undefined, h));
    table.append(headRow);
    for (const v of r.violations.slice(0, MAX_LISTED)) {
      const row = el('tr');
      const lineCell = el('td');
      lineCell.append(lineLink(v.line));
      row.append(lineCell, el('td', undefined, v.column), el('td', 'value', v.value === '' ? '(empty)' : v.value), el('td', undefined, v.reason), el('td', 'rule', v.rule));
      table.append(row);
    }
    box.append(table);
    const hidden = r.violationCount - Math.min(MAX_LISTED, r.violations.length);
    if (hidden > 0) box.append(el('p', 'note', `… and ${count(hidden)} more.`));
  }
  if (contract.others.length) box.append(el('p', 'note', `Also declared in ${contract.others.join(', ')} (not checked here).`));
  return box;
}

const SVG = 'http://www.w3.org/2000/svg';

function renderHistogram(h: Histogram): SVGSVGElement | HTMLElement {
  if (h.counts.length === 0) return el('span');
  const width = 240;
  const height = 60;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'histogram');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  const peak = Math.max(...h.counts);
  const barWidth = width / h.counts.length;
  h.counts.forEach((n, i) => {
    const bar = document.createElementNS(SVG, 'rect');
    const barHeight = peak ? Math.max(n > 0 ? 1 : 0, (n / peak) * height) : 0;
    bar.setAttribute('x', String(i * barWidth + 0.5));
    bar.setAttribute('y', String(height - barHeight));
    bar.setAttribute('width', String(Math.max(1, barWidth - 1)));
    bar.setAttribute('height', String(barHeight));
    const binLow = h.min + ((h.max - h.min) * i) / h.counts.length;
    const binHigh = h.min + ((h.max - h.min) * (i + 1)) / h.counts.length;
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${formatStat(binLow)} – ${formatStat(binHigh)}: ${count(n)}`;
    bar.append(title);
    svg.append(bar);
  });
  return svg;
}

function rowList(title: string, rows: RowValue[], total: number, className: string): HTMLElement {
  const box = el('div', className);
  box.append(el('h4', undefined, `${title} (${count(total)})`));
  const list = el('ul', 'rows');
  for (const r of rows.slice(0, 20)) {
    const item = el('li');
    item.append(lineLink(r.line), document.createTextNode(' '), el('span', 'value', r.value));
    list.append(item);
  }
  box.append(list);
  if (total > Math.min(20, rows.length)) box.append(el('div', 'note', `… and ${count(total - Math.min(20, rows.length))} more`));
  return box;
}

function renderColumn(c: ColumnProfile): HTMLElement {
  const card = el('section', 'column');
  card.dataset.column = c.name;
  const title = el('h3');
  title.append(el('span', 'name', c.name), el('span', `type type-${c.type}`, c.type));
  card.append(title);
  const facts = el('div', 'facts', `${count(c.count)} values · ${count(c.missing)} missing · ${c.distinctCapped ? `over ${count(c.distinct)}` : count(c.distinct)} distinct`);
  card.append(facts);
  if (c.numeric) {
    const n = c.numeric;
    const table = el('table', 'stats');
    const names = el('tr');
    const values = el('tr');
    for (const [k, v] of [['min', n.min], ['max', n.max], ['mean', n.mean], ['std', n.std], ['25%', n.q1], ['50%', n.median], ['75%', n.q3]] as const) {
      names.append(el('th', undefined, k));
      values.append(el('td', 'num', formatStat(v)));
    }
    table.append(names, values);
    card.append(table);
    if (c.histogram) card.append(renderHistogram(c.histogram));
    if (c.sampledQuantiles) card.append(el('div', 'note', 'Quartiles and outliers from a sample of the values.'));
  }
  // Top values say something only when some value repeats.
  if (c.top.length && c.top[0]!.count > 1) {
    const top = el('div', 'top');
    top.append(el('h4', undefined, 'Top values'));
    const list = el('ol');
    for (const t of c.top.slice(0, 5)) {
      const item = el('li');
      item.append(el('span', 'value', t.value), el('span', 'count', ` × ${count(t.count)}`));
      list.append(item);
    }
    top.append(list);
    card.append(top);
  }
  if (c.outliers && c.outliers.count > 0) {
    const method = c.outliers.method === 'iqr' ? 'IQR fences' : 'z-score beyond 3';
    card.append(rowList(`Outliers outside ${formatStat(c.outliers.low)}..${formatStat(c.outliers.high)}, by ${method}`, c.outliers.rows, c.outliers.count, 'outliers'));
  }
  if (c.strays.count > 0) {
    const what = c.type === 'string' ? 'Numbers in a text column' : `Text in a ${c.type} column`;
    card.append(rowList(what, c.strays.rows, c.strays.count, 'strays'));
  }
  return card;
}

function render(): void {
  const root = el('main');
  root.append(renderHeader());
  if (state.status === 'loading') root.append(renderProgress());
  if (state.status === 'failed') root.append(el('p', 'failed', state.message ?? 'The file could not be profiled.'));
  const issues = renderIssues();
  if (issues) root.append(issues);
  if (state.profile && !state.profile.failed) {
    root.append(renderContract(state.contract, state.contractNote));
    const columns = el('div', 'columns');
    for (const c of state.profile.profiles) columns.append(renderColumn(c));
    root.append(columns);
  }
  document.body.replaceChildren(root);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isToProfileWebview(event.data)) return;
  const previous = state.status;
  state = applyProfileMessage(state, event.data);
  vscode.setState(state);
  // While streaming, only the progress bar changes: update it in place instead of rebuilding the page.
  const bar = document.querySelector('progress');
  if (event.data.type === 'progress' && previous === 'loading' && bar) {
    bar.max = Math.max(1, state.totalBytes);
    bar.value = state.bytesRead;
    const percent = state.totalBytes ? Math.floor((100 * state.bytesRead) / state.totalBytes) : 0;
    const note = document.querySelector('.loading .note');
    if (note) note.textContent = `Reading ${state.file.split(/[\\/]/).pop() ?? ''}… ${percent}% (${formatBytes(state.bytesRead)} of ${formatBytes(state.totalBytes)})`;
    return;
  }
  render();
});

render();
vscode.postMessage({ type: 'ready' });
