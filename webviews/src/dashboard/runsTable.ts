// The runs table: one row per run that passes the filter, sorted by the chosen column, with a colour swatch,
// the run's name (or the unique part of its id), status, backend, duration, parameters and, per metric, its last,
// best, lowest and highest value. A header row over the columns groups them as Parameters and Metrics, so a
// parameter and a metric of the same name never read alike. Rows are kept between renders and only rewritten when
// their run changed, so a live store with a thousand runs stays cheap. Past WINDOW_ABOVE runs only the rows in view
// (and a few screens around them) are in the page, between two spacer rows that keep the scroll height: the layout
// of 10,000 rows took 0.85 s a pass, several times during the first paint. Keyboard: Tab reaches the sort buttons and
// then the table (one tab stop); Space or Enter toggles the focused row's selection, the arrow keys move. Every run string
// is set with textContent.
import { runDurationMs, type RunSummary } from '../../../runtime/src/dashboard/dashboardProtocol';
import { el, formatNumber, formatSeconds } from './dom';
import { goalRule } from './metricKinds';
import { FIXED_COLUMNS, METRIC_STATS, metricColumn, metricStat, paramText, tableColumns, type Columns, type ExtremesOf, type MetricStat } from './runQuery';
import { runLabel } from './runLabel';

export interface RunsTableEvents {
  /** The person toggled a run's selection. */
  toggle(id: string): void;
  sort(column: string): void;
}

interface Row {
  tr: HTMLTableRowElement;
  signature: string;
}

const FIXED_LABELS: Record<(typeof FIXED_COLUMNS)[number], string> = {
  run: 'Run',
  status: 'Status',
  backend: 'Backend',
  duration: 'Duration',
  queued: 'Queued',
};

const STAT_TITLES: Record<MetricStat, (metric: string) => string> = {
  last: (m) => `last ${m}: the value of the last epoch or log call`,
  best: goalRule,
  min: (m) => `lowest ${m} over the run's epochs and log calls`,
  max: (m) => `highest ${m} over the run's epochs and log calls`,
};

function shortTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(5, 10)} ${d.toTimeString().slice(0, 8)}`;
}

/** Up to this many shown runs every row is in the page; past it only a window of rows around the view is. */
export const WINDOW_ABOVE = 300;
/** Rows rendered above and below the visible ones, so a scroll of a screen or two shows rows at once. */
const OVERSCAN_ROWS = 60;

/** What the last update was given, kept so a scroll can render another window of the same rows. */
interface Shown {
  runs: readonly RunSummary[];
  selected: ReadonlySet<string>;
  colour: (id: string) => string;
}

export class RunsTable {
  readonly element: HTMLTableElement;
  private readonly head = el('thead');
  private readonly body = el('tbody');
  private readonly rows = new Map<string, Row>();
  private columns: Columns = { params: [], metrics: [] };
  private columnsKey = '';
  private order: string[] = [];
  private focusedId: string | null = null;
  private tabRow: string | null = null;
  private extremes: ExtremesOf = () => undefined;
  private shown: Shown = { runs: [], selected: new Set(), colour: () => '' };
  /** The scrolling box around the table, once attached; without it every row is rendered. */
  private scroller: HTMLElement | null = null;
  private scrollFrame = 0;
  /** Height of one row in pixels, measured on the first window (rows hold one line of text); 0 until then. */
  private measuredRowHeight = 0;
  private readonly topSpacer = RunsTable.spacer();
  private readonly bottomSpacer = RunsTable.spacer();

  constructor(private readonly events: RunsTableEvents) {
    this.element = el('table', 'runs');
    this.element.setAttribute('aria-label', 'Runs');
    this.element.append(this.head, this.body);
    this.body.addEventListener('keydown', (e) => this.onKey(e));
  }

  private static spacer(): HTMLTableRowElement {
    const tr = el('tr', 'spacer');
    tr.setAttribute('aria-hidden', 'true');
    tr.append(el('td'));
    return tr;
  }

  /** The box that scrolls the table: with it, long tables render only the rows near the view. */
  attachScroller(scroller: HTMLElement): void {
    this.scroller = scroller;
    scroller.addEventListener('scroll', () => {
      if (this.scrollFrame || this.shown.runs.length <= WINDOW_ABOVE) return;
      this.scrollFrame = requestAnimationFrame(() => {
        this.scrollFrame = 0;
        this.renderWindow();
      });
    });
  }

  /** A row's height for the window arithmetic: the measured one, or the stylesheet's 22 px before the first window. */
  private get rowHeight(): number {
    return this.measuredRowHeight || 22;
  }

  /** True while only a window of the shown rows is in the page. */
  private get windowed(): boolean {
    return this.scroller !== null && this.shown.runs.length > WINDOW_ABOVE;
  }

  /** Renders `shown` (already filtered and sorted) out of `all` runs. */
  update(all: readonly RunSummary[], shown: readonly RunSummary[], selected: ReadonlySet<string>, sort: { column: string; descending: boolean }, colour: (id: string) => string, extremes: ExtremesOf): void {
    this.extremes = extremes;
    const columns = tableColumns(all);
    const key = JSON.stringify([columns, sort]);
    if (key !== this.columnsKey) {
      this.columns = columns;
      this.columnsKey = key;
      this.renderHead(sort);
      this.rows.clear();
      this.body.replaceChildren();
      this.order = [];
    }
    this.shown = { runs: shown, selected, colour };
    this.renderWindow();
  }

  /** Renders the shown runs, or, past WINDOW_ABOVE of them, the window of rows around the scroll position. */
  private renderWindow(): void {
    const { runs } = this.shown;
    let first = 0;
    let last = runs.length;
    if (this.windowed) {
      const height = this.rowHeight;
      const top = Math.max(0, this.scroller!.scrollTop - this.head.offsetHeight);
      const visible = Math.ceil((this.scroller!.clientHeight || 600) / height);
      first = Math.max(0, Math.floor(top / height) - OVERSCAN_ROWS);
      last = Math.min(runs.length, first + visible + 2 * OVERSCAN_ROWS);
    }
    const inWindow = runs.slice(first, last);
    const now = Date.now();
    const wanted = new Set(inWindow.map((r) => r.id));
    for (const [id, row] of this.rows) {
      if (!wanted.has(id)) {
        row.tr.remove();
        this.rows.delete(id);
      }
    }
    for (const run of inWindow) this.refreshRow(run, now);
    const order = inWindow.map((r) => r.id);
    if (order.length !== this.order.length || order.some((id, i) => id !== this.order[i]) || this.windowed !== this.topSpacer.isConnected) {
      const fragment = document.createDocumentFragment();
      for (const id of order) fragment.append(this.rows.get(id)!.tr);
      if (this.windowed) this.body.replaceChildren(this.topSpacer, fragment, this.bottomSpacer);
      else this.body.replaceChildren(fragment);
      this.order = order;
    }
    if (this.windowed) {
      const firstRow = order.length ? this.rows.get(order[0]!)!.tr : null;
      if (!this.measuredRowHeight && firstRow) this.measuredRowHeight = firstRow.getBoundingClientRect().height;
      (this.topSpacer.firstChild as HTMLElement).style.height = `${first * this.rowHeight}px`;
      (this.bottomSpacer.firstChild as HTMLElement).style.height = `${(runs.length - last) * this.rowHeight}px`;
    }
    // One tab stop for the whole table (the last focused row, else the first); arrows move between rows.
    if (!this.tabRow || !this.rows.has(this.tabRow)) this.setTabRow(order[0] ?? null);
  }

  /** Creates the run's row, or rewrites it when what it shows changed. */
  private refreshRow(run: RunSummary, now: number): void {
    const { selected, colour } = this.shown;
    const duration = runDurationMs(run, now);
    const signature = JSON.stringify([run, selected.has(run.id), formatSeconds(duration), colour(run.id), [...(this.extremes(run.id)?.entries() ?? [])]]);
    let row = this.rows.get(run.id);
    if (!row) {
      row = { tr: this.newRow(run.id), signature: '' };
      this.rows.set(run.id, row);
    }
    if (row.signature !== signature) {
      this.fillRow(row.tr, run, selected.has(run.id), duration, colour(run.id));
      row.signature = signature;
    }
  }

  /** Scrolls a windowed table so that the row of shown run `index` is rendered and in view. */
  private scrollToIndex(index: number): void {
    if (!this.windowed || index < 0) return;
    const height = this.rowHeight;
    const scroller = this.scroller!;
    const top = this.head.offsetHeight + index * height;
    if (top < scroller.scrollTop + this.head.offsetHeight) scroller.scrollTop = top - this.head.offsetHeight;
    else if (top + height > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = top + height - scroller.clientHeight;
    this.renderWindow();
  }

  private setTabRow(id: string | null): void {
    if (this.tabRow) this.rows.get(this.tabRow)?.tr.setAttribute('tabindex', '-1');
    this.tabRow = id;
    if (id) this.rows.get(id)?.tr.setAttribute('tabindex', '0');
  }

  /** Marks the run picked on a chart and scrolls its row into view. */
  focusRun(id: string | null): void {
    if (this.focusedId) this.rows.get(this.focusedId)?.tr.classList.remove('focused');
    this.focusedId = id;
    if (id && !this.rows.has(id)) this.scrollToIndex(this.shown.runs.findIndex((r) => r.id === id));
    const row = id ? this.rows.get(id) : undefined;
    if (row) {
      row.tr.classList.add('focused');
      row.tr.scrollIntoView({ block: 'nearest' });
    }
  }

  private renderHead(sort: { column: string; descending: boolean }): void {
    const groups = el('tr', 'groups');
    const group = (label: string, span: number, className: string) => {
      if (span === 0) return;
      const th = el('th', className, label);
      th.colSpan = span;
      th.scope = 'colgroup';
      groups.append(th);
    };
    group('', 1 + FIXED_COLUMNS.length, 'group-run');
    group('Parameters', this.columns.params.length, 'group-params');
    group('Metrics', this.columns.metrics.length * METRIC_STATS.length, 'group-metrics');
    const tr = el('tr');
    tr.append(el('th', 'select-col', ''));
    const header = (column: string, label: string, className: string, description = label) => {
      const th = el('th', className);
      th.dataset.column = column;
      th.setAttribute('aria-label', description);
      th.title = description;
      const button = el('button', 'sort', label);
      button.type = 'button';
      button.setAttribute('aria-label', `Sort by ${description}`);
      button.addEventListener('click', () => this.events.sort(column));
      th.setAttribute('aria-sort', sort.column === column ? (sort.descending ? 'descending' : 'ascending') : 'none');
      if (sort.column === column) button.textContent = `${label} ${sort.descending ? '▼' : '▲'}`;
      th.append(button);
      tr.append(th);
    };
    for (const c of FIXED_COLUMNS) header(c, FIXED_LABELS[c], `col-${c}`);
    for (const p of this.columns.params) header(`param:${p}`, p, 'param', `parameter ${p}`);
    for (const m of this.columns.metrics) for (const stat of METRIC_STATS) header(metricColumn(stat, m), `${m} ${stat}`, `metric num stat-${stat}`, `metric ${STAT_TITLES[stat](m)}`);
    this.head.replaceChildren(groups, tr);
  }

  private newRow(id: string): HTMLTableRowElement {
    const tr = el('tr');
    tr.dataset.runId = id;
    tr.tabIndex = -1;
    tr.addEventListener('focus', () => this.setTabRow(id));
    tr.addEventListener('click', (e) => {
      if ((e.target as HTMLElement).tagName !== 'INPUT') this.events.toggle(id);
    });
    return tr;
  }

  private fillRow(tr: HTMLTableRowElement, run: RunSummary, selected: boolean, duration: number | null, colour: string): void {
    tr.className = `status-${run.status.replace(/[^a-z]/g, '')}${selected ? ' selected' : ''}${this.focusedId === run.id ? ' focused' : ''}`;
    tr.setAttribute('aria-selected', String(selected));
    const check = el('input');
    check.type = 'checkbox';
    check.checked = selected;
    check.tabIndex = -1;
    check.setAttribute('aria-label', `Select run ${run.id}`);
    check.addEventListener('change', () => this.events.toggle(run.id));
    const selectCell = el('td', 'select-col');
    selectCell.append(check);
    const runCell = el('td', 'run-cell');
    const swatch = el('span', 'swatch');
    swatch.style.background = colour;
    const label = runLabel(run.id, run.params, run.name ?? null);
    const name = el('span', 'run-id');
    if (label.name) name.append(el('span', 'run-name', label.name));
    else name.append(el('span', 'id-stem', label.stem), ...(label.unique ? [el('span', 'id-unique', label.unique)] : []));
    runCell.append(swatch, name);
    runCell.title = `${label.name ? `${label.name}\n` : ''}${run.id}\n${run.file}${run.message ? `\n${run.message}` : ''}`;
    const progress = run.progress && run.status === 'running' ? ` ${run.progress.epoch}/${run.progress.epochs}` : '';
    const where = run.where ? ` · ${run.where}` : '';
    // A cluster run waits in the cluster's queue for a reason worth seeing (Resources, a GPU limit, a requeue hold).
    const reason = run.status === 'queued' && run.where && run.message ? ` (${run.message})` : '';
    const statusCell = el('td', `status status-${run.status.replace(/[^a-z]/g, '')}`, run.status + reason + progress + where);
    if (run.message) statusCell.title = run.message;
    if (run.problem) statusCell.append(el('span', 'run-problem', ` ⚠ ${run.problem}`));
    const cells: HTMLElement[] = [
      selectCell,
      runCell,
      statusCell,
      el('td', 'backend', run.backend ?? ''),
      el('td', 'num', formatSeconds(duration)),
      el('td', 'queued', shortTime(run.queuedAt)),
    ];
    for (const p of this.columns.params) {
      const v = run.params[p];
      cells.push(el('td', typeof v === 'number' ? 'param num' : 'param', paramText(v)));
    }
    for (const m of this.columns.metrics) {
      for (const stat of METRIC_STATS) {
        const td = el('td', `metric num stat-${stat}`, formatNumber(metricStat(run, m, stat, this.extremes)));
        td.dataset.column = metricColumn(stat, m);
        cells.push(td);
      }
    }
    tr.replaceChildren(...cells);
  }

  private onKey(e: KeyboardEvent): void {
    const tr = (e.target as HTMLElement).closest('tr');
    const id = tr?.dataset.runId;
    if (!tr || !id) return;
    if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      this.events.toggle(id);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const index = this.shown.runs.findIndex((r) => r.id === id) + (e.key === 'ArrowDown' ? 1 : -1);
      const next = this.shown.runs[index];
      if (!next) return;
      if (!this.rows.has(next.id)) this.scrollToIndex(index);
      this.rows.get(next.id)?.tr.focus();
    }
  }
}
