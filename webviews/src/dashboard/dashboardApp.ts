// The run dashboard's front end, the same in a VS Code webview and under `mlts ui`: it holds the runs and metric
// points the host sends, the view state the person sets (kept with the transport's setState), and renders the
// toolbar, the runs table and the current view (charts, hparams or compare) at most once per animation frame.
// It subscribes to the metrics of exactly the runs the charts show, so a store with thousands of runs only
// streams what is on screen.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { RunSummary, ToDashboard } from '../../../runtime/src/dashboard/dashboardProtocol';
import { CompareView } from './compareView';
import { custom, el, themeKind } from './dom';
import { HparamsView } from './hparamsView';
import { MetricCharts, type ChartRun } from './metricCharts';
import { runColour } from './runColours';
import { BATCH_SUFFIX, RunData, X_AXIS_MODES, type XAxisMode } from './runData';
import { matchesFilter, orderMetrics, sortRuns, tableColumns } from './runQuery';
import { RunsTable } from './runsTable';
import type { DashboardTransport } from './transport';
import { DEFAULT_CHARTED_RUNS, restoreViewState, VIEWS, type DashboardView, type ViewState } from './viewState';

const VIEW_LABELS: Record<DashboardView, string> = { charts: 'Charts', hparams: 'HParams', compare: 'Compare' };
const X_LABELS: Record<XAxisMode, string> = { step: 'Step', epoch: 'Epoch', wall: 'Wall time', relative: 'Relative time' };
/** Narrowest chart; the grid fits as many columns of at least this width as the panel allows. */
const MIN_CHART_WIDTH = 420;

interface Dirty {
  table: boolean;
  view: boolean;
}

/** Metrics-driven chart redraws are at least this many times the last chart render's cost apart. */
const CHART_SPACING = 3;

export class DashboardApp {
  private readonly runs = new Map<string, RunSummary>();
  private readonly data = new Map<string, RunData>();
  private state: ViewState;
  private store = '';
  private canLaunch = false;
  private readonly notices: string[] = [];
  private subscription = '';
  private frame = 0;
  private dirty: Dirty = { table: true, view: true };
  /**
   * Charts owed a redraw for metrics that arrived, and what the last chart render cost: such redraws are spaced
   * CHART_SPACING times that cost apart, so 10,000 runs arriving over many messages do not redraw every run so far on
   * every frame (quadratic: over 10 minutes at 10,000 runs × 1,000 points). What the person does renders at once.
   */
  private chartsOwed = false;
  private chartCostMs = 0;
  private chartDoneAt = 0;
  private chartTimer: ReturnType<typeof setTimeout> | undefined;
  private focusedRun: string | null = null;
  /**
   * Zoomed charts and their runs read again at full resolution. A run whose host left points out (to bound its
   * memory) is asked for the zoomed stretch of its file; the answer, spliced into a copy of the run's points, is
   * drawn in that chart while the run's own points stay as they are (version) and the chart stays zoomed.
   */
  private readonly zoomedMetrics = new Set<string>();
  private readonly details = new Map<string, { version: number; data: RunData }>();
  private readonly windowRequests = new Map<number, { metric: string; id: string; from: number; to: number; version: number }>();
  private nextRequest = 1;
  /** Each run's metric extremes, from the points held (runs whose metrics are not loaded have none). */
  private readonly extremesOf = (id: string) => this.data.get(id)?.extremes();

  private readonly table: RunsTable;
  private readonly charts: MetricCharts;
  private readonly hparams: HparamsView;
  private readonly compare: CompareView;
  private readonly header = el('header', 'toolbar');
  private readonly summary = el('span', 'summary');
  /** Cancels the selected runs that are still queued or running (VS Code only; hidden when there are none). */
  private cancelButton: HTMLElement | null = null;
  private readonly noticeBox = el('div', 'notices');
  private readonly controls = el('div', 'view-controls');
  private readonly viewBox = el('main', 'view');
  /** Says which runs the charts show when they are not all of the listed ones. */
  private readonly chartNote = el('p', 'charts-note');
  private readonly tabs = new Map<DashboardView, HTMLButtonElement>();

  constructor(
    private readonly root: HTMLElement,
    private readonly transport: DashboardTransport,
  ) {
    this.state = restoreViewState(transport.getState());
    this.table = new RunsTable({ toggle: (id) => this.toggle(id), sort: (column) => this.sortBy(column) });
    this.charts = new MetricCharts({ pick: (id) => this.pick(id), save: (name, mime, bytes) => transport.saveFile(name, mime, bytes), exportFull: (name, runs, metric) => transport.exportMetrics(name, runs, metric), zoom: (metric, range) => this.zoomed(metric, range) });
    this.hparams = new HparamsView({ toggle: (id) => this.toggle(id) });
    this.compare = new CompareView(() => this.invalidate({ view: true }));
  }

  start(): void {
    this.buildLayout();
    this.transport.onMessage((m) => this.receive(m));
    this.transport.send({ type: 'ready' });
    // Durations of running runs tick once a second.
    setInterval(() => {
      for (const r of this.runs.values()) if (r.status === 'running') return this.invalidate({ table: true });
    }, 1000);
    new MutationObserver(() => this.invalidate({ table: true, view: true })).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    new ResizeObserver((entries) => {
      this.viewWidth = Math.round(entries[entries.length - 1]!.contentRect.width);
      this.invalidate({ view: true });
    }).observe(this.viewBox);
    this.invalidate({ table: true, view: true });
  }

  // ---- messages ----

  private receive(message: ToDashboard): void {
    switch (message.type) {
      case 'hello':
        this.store = message.store;
        this.canLaunch = message.canLaunch;
        this.data.clear();
        this.subscription = '';
        this.buildHeader();
        return;
      case 'runs':
        this.runsVersion++;
        if (message.reset) this.runs.clear();
        for (const run of message.runs) this.runs.set(run.id, run);
        for (const id of message.removed) {
          this.runs.delete(id);
          this.data.delete(id);
        }
        // Ask for the charts' metrics at once rather than after the next frame: the host reads while the table renders.
        if (this.state.view === 'charts') this.subscribe(this.chartedRuns(this.shownRuns()));
        this.invalidate({ table: true, view: true });
        return;
      case 'metrics': {
        const { chunk } = message;
        if (!this.runs.has(chunk.runId)) return;
        let data = this.data.get(chunk.runId);
        if (!data) {
          data = new RunData();
          this.data.set(chunk.runId, data);
        }
        const extremes = data.extremes();
        // A gap means a message was lost (a reconnect): ask again from what is held.
        if (!data.apply(chunk)) this.subscription = '';
        if (data.extremes() !== extremes) this.runsVersion++;
        // The table's best/min/max columns come from the points: redraw it only when one of them moved.
        this.invalidate({ table: data.extremes() !== extremes, view: this.state.view === 'charts' }, true);
        return;
      }
      case 'window': {
        const asked = this.windowRequests.get(message.request);
        this.windowRequests.delete(message.request);
        const data = asked && this.data.get(asked.id);
        if (!asked || !data || data.version !== asked.version || !this.zoomedMetrics.has(asked.metric)) return;
        if (message.problem) this.receive({ type: 'notice', level: 'warning', text: `${asked.id}: could not read the zoomed points at full resolution: ${message.problem}` });
        if (!message.chunk) return;
        this.details.set(`${asked.metric}\u0000${asked.id}`, { version: asked.version, data: data.spliced(asked.from, asked.to, message.chunk) });
        this.invalidate({ view: true });
        return;
      }
      case 'notice':
        this.notices.push(message.text);
        if (this.notices.length > 5) this.notices.shift();
        this.renderNotices();
        return;
      default: {
        const never: never = message;
        throw new Error(`unexpected message ${JSON.stringify(never)}`);
      }
    }
  }

  // ---- state changes ----

  private setState(change: Partial<ViewState>, dirty: Partial<Dirty> = { table: true, view: true }): void {
    this.state = { ...this.state, ...change };
    this.transport.setState(this.state);
    this.invalidate(dirty);
  }

  /** The selected runs that are still queued or running. */
  private unfinishedSelected(): string[] {
    return this.state.selected.filter((id) => {
      const status = this.runs.get(id)?.status;
      return status === 'queued' || status === 'running';
    });
  }

  private toggle(id: string): void {
    const selected = new Set(this.state.selected);
    if (selected.has(id)) selected.delete(id);
    else selected.add(id);
    this.setState({ selected: [...selected] });
  }

  /** A line clicked on a chart: select its run (keeping others) and point the table at it. */
  private pick(id: string): void {
    this.focusedRun = id;
    if (!this.state.selected.includes(id)) this.setState({ selected: [...this.state.selected, id] });
    else this.invalidate({ table: true });
  }

  private sortBy(column: string): void {
    const descending = this.state.sort.column === column ? !this.state.sort.descending : false;
    this.setState({ sort: { column, descending } }, { table: true });
  }

  /** Schedules a render of what changed at the next frame; `fromData`: metrics arrived (see chartsOwed). */
  private invalidate(dirty: Partial<Dirty>, fromData = false): void {
    this.dirty.table ||= dirty.table ?? false;
    if (fromData && dirty.view) this.chartsOwed = true;
    else this.dirty.view ||= dirty.view ?? false;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.chartsOwed && !this.dirty.view) {
        const wait = this.chartDoneAt + CHART_SPACING * this.chartCostMs - performance.now();
        if (wait <= 0) this.dirty.view = true;
        else this.chartTimer ??= setTimeout(() => {
          this.chartTimer = undefined;
          this.invalidate({});
        }, wait);
      }
      const { table, view } = this.dirty;
      this.dirty = { table: false, view: false };
      if (view) this.chartsOwed = false;
      if (!table && !view) return;
      const started = performance.now();
      this.render(table, view);
      if (view) {
        this.chartDoneAt = performance.now();
        this.chartCostMs = this.chartDoneAt - started;
      }
    });
  }

  /** A chart was zoomed (or back out): ask for the zoomed stretch of each of its runs that the host thinned. */
  private zoomed(metric: string, range: [number, number] | null): void {
    for (const key of [...this.details.keys()]) if (key.startsWith(`${metric}\u0000`)) this.details.delete(key);
    for (const [request, asked] of this.windowRequests) if (asked.metric === metric) this.windowRequests.delete(request);
    if (range) this.zoomedMetrics.add(metric);
    else this.zoomedMetrics.delete(metric);
    this.invalidate({ view: true });
    if (!range) return;
    for (const run of this.charted) {
      const data = this.data.get(run.id);
      if (!data || !data.seriesKeys().includes(metric)) continue;
      const held = data.series(metric, this.state.xAxis, this.state.smoothing).x.length;
      if ((data.totals[metric] ?? 0) <= held) continue;
      const stretch = data.pointRange(metric, this.state.xAxis, range[0], range[1]);
      if (!stretch) continue;
      const request = this.nextRequest++;
      this.windowRequests.set(request, { metric, id: run.id, ...stretch, version: data.version });
      this.transport.send({ type: 'window', request, runId: run.id, key: metric, ...stretch });
    }
  }

  /** Run `id` as chart `metric` draws it: read again at full resolution around the zoom, or as held. */
  private detailOf(metric: string, id: string): RunData | undefined {
    const detail = this.details.get(`${metric}\u0000${id}`);
    return detail && this.data.get(id)?.version === detail.version ? detail.data : undefined;
  }

  // ---- which runs ----

  /** Bumped when the runs or their metric extremes change: shownRuns() is computed again only then. */
  private runsVersion = 0;
  private shownCache: { key: string; runs: RunSummary[] } | null = null;
  /** The runs the charts drew last, for a zoom to ask about without filtering and sorting 10,000 runs again. */
  private charted: RunSummary[] = [];
  /** The view's width in CSS pixels, from the ResizeObserver (0 until it reports). */
  private viewWidth = 0;

  private shownRuns(): RunSummary[] {
    const { filter, sort } = this.state;
    // Durations of running runs change with the clock: sorted by duration, the order is kept for a second at most.
    const key = `${this.runsVersion}\u0000${filter}\u0000${sort.column}\u0000${sort.descending}\u0000${sort.column === 'duration' ? Math.floor(Date.now() / 1000) : ''}`;
    if (this.shownCache?.key === key) return this.shownCache.runs;
    const filtered = [...this.runs.values()].filter((r) => matchesFilter(r, filter));
    const runs = sortRuns(filtered, sort.column, sort.descending, Date.now(), this.extremesOf);
    this.shownCache = { key, runs };
    return runs;
  }

  /** The runs the views show: the selected ones that pass the filter, or every shown run when none is selected. */
  private viewRuns(shown: RunSummary[]): RunSummary[] {
    const selected = new Set(this.state.selected);
    const picked = shown.filter((r) => selected.has(r.id));
    return picked.length ? picked : shown;
  }

  /** The runs the charts draw: the view's runs, capped at DEFAULT_CHARTED_RUNS unless the person selected them. */
  private chartedRuns(shown: RunSummary[]): RunSummary[] {
    const runs = this.viewRuns(shown);
    return this.state.selected.length || runs.length <= DEFAULT_CHARTED_RUNS ? runs : runs.slice(0, DEFAULT_CHARTED_RUNS);
  }

  private subscribe(runs: RunSummary[]): void {
    const ids = runs.map((r) => r.id).sort();
    const key = ids.join('\n');
    if (key === this.subscription) return;
    this.subscription = key;
    this.transport.send({ type: 'subscribe', runs: ids.map((id) => ({ id, from: this.data.get(id)?.length ?? 0 })) });
  }

  // ---- rendering ----

  private render(table: boolean, view: boolean): void {
    const shown = this.shownRuns();
    const viewRuns = this.viewRuns(shown);
    const selected = new Set(this.state.selected);
    const theme = themeKind();
    if (table) {
      this.table.update([...this.runs.values()], shown, selected, this.state.sort, (id) => runColour(id, theme), this.extremesOf);
      this.table.focusRun(this.focusedRun);
      this.summary.textContent = `${shown.length} of ${this.runs.size} runs${selected.size ? `, ${selected.size} selected` : ''}`;
      if (this.cancelButton) {
        const unfinished = this.unfinishedSelected();
        this.cancelButton.hidden = unfinished.length === 0;
        this.cancelButton.textContent = `Cancel ${unfinished.length} run${unfinished.length === 1 ? '' : 's'}`;
      }
      for (const [v, tab] of this.tabs) {
        tab.setAttribute('aria-selected', String(v === this.state.view));
        tab.tabIndex = v === this.state.view ? 0 : -1;
      }
    }
    const charted = this.state.view === 'charts' ? this.chartedRuns(shown) : [];
    this.charted = charted;
    if (this.state.view === 'charts') this.subscribe(charted);
    if (!view) return;
    this.renderControls(viewRuns);
    // The width the ResizeObserver last saw: reading clientWidth here would force a layout of the table just updated.
    const width = Math.max(300, this.viewWidth || this.viewBox.clientWidth || this.root.clientWidth || 800);
    for (const child of [this.chartNote, this.charts.element, this.hparams.element, this.compare.element]) child.hidden = true;
    switch (this.state.view) {
      case 'charts': {
        if (charted.length < viewRuns.length) {
          this.chartNote.textContent = `Charts show the first ${charted.length} of ${viewRuns.length.toLocaleString('en-US')} runs, in table order. Sort or filter the table, or select runs, to chart others.`;
          this.chartNote.hidden = false;
        }
        const chartRuns: ChartRun[] = charted.filter((r) => this.data.has(r.id)).map((r) => ({ id: r.id, data: this.data.get(r.id)!, params: r.params }));
        const keys = new Set<string>();
        for (const r of chartRuns) for (const k of r.data.seriesKeys()) keys.add(k);
        const epochKeys = orderMetrics([...keys].filter((k) => !k.endsWith(BATCH_SUFFIX)));
        const batchKeys = [...keys].filter((k) => k.endsWith(BATCH_SUFFIX)).sort();
        const columns = Math.max(1, Math.floor(width / MIN_CHART_WIDTH));
        // Each chart box adds its padding and border (10 px) around the plot.
        const chartWidth = Math.floor((width - (columns - 1) * 12) / columns) - 12;
        this.charts.update([...epochKeys, ...batchKeys], chartRuns, { ...this.state, theme, width: chartWidth }, this.details.size ? (m, id) => this.detailOf(m, id) : undefined);
        this.charts.element.hidden = false;
        this.charts.element.dataset.points = String(this.charts.drawnPoints());
        if (chartRuns.length === 0) this.charts.element.dataset.empty = 'true';
        else delete this.charts.element.dataset.empty;
        break;
      }
      case 'hparams':
        this.hparams.update(viewRuns, this.hparamsMetric(viewRuns), selected, theme, Math.min(width, 1400));
        this.hparams.element.hidden = false;
        break;
      case 'compare':
        this.compare.update(viewRuns, (id) => runColour(id, theme));
        this.compare.element.hidden = false;
        break;
    }
  }

  private hparamsMetric(runs: RunSummary[]): string {
    const metrics = tableColumns(runs).metrics;
    return metrics.includes(this.state.hparamsMetric) ? this.state.hparamsMetric : (metrics[0] ?? '');
  }

  private buildLayout(): void {
    this.root.replaceChildren();
    this.buildHeader();
    const tableWrap = el('div', 'runs-wrap');
    tableWrap.append(this.table.element);
    this.table.attachScroller(tableWrap);
    const empty = el('p', 'empty runs-empty', 'No runs yet. Start one with `mlts run FILE` or the launcher; it appears here as soon as it is queued.');
    this.viewBox.append(this.chartNote, this.charts.element, this.hparams.element, this.compare.element);
    this.root.append(this.header, this.noticeBox, tableWrap, empty, this.controls, this.viewBox);
  }

  private buildHeader(): void {
    this.header.replaceChildren();
    const title = el('h1', undefined, 'Runs');
    const store = el('span', 'store', this.store);
    store.title = this.store;
    const tablist = el('div', 'tabs');
    tablist.setAttribute('role', 'tablist');
    this.tabs.clear();
    for (const v of VIEWS) {
      const tab = el('button', 'tab', VIEW_LABELS[v]);
      tab.type = 'button';
      tab.setAttribute('role', 'tab');
      tab.dataset.view = v;
      tab.setAttribute('aria-selected', String(v === this.state.view));
      tab.tabIndex = v === this.state.view ? 0 : -1;
      tab.addEventListener('click', () => this.setState({ view: v }));
      tab.addEventListener('keydown', (e) => {
        if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
        const next = VIEWS[(VIEWS.indexOf(v) + (e.key === 'ArrowRight' ? 1 : VIEWS.length - 1)) % VIEWS.length]!;
        this.setState({ view: next });
        this.tabs.get(next)?.focus();
      });
      this.tabs.set(v, tab);
      tablist.append(tab);
    }
    const filter = custom('vscode-textfield', { placeholder: 'Filter runs: words or name=value', 'aria-label': 'Filter runs', class: 'filter' }) as HTMLElement & { value: string };
    filter.value = this.state.filter;
    filter.addEventListener('input', () => this.setState({ filter: filter.value }));
    const clear = custom('vscode-button', { secondary: '', class: 'clear-selection' }, 'Clear selection');
    clear.addEventListener('click', () => this.setState({ selected: [] }));
    this.header.append(title, store, tablist, filter, this.summary, clear);
    if (this.transport.inVsCode && this.canLaunch) {
      const launch = custom('vscode-button', { class: 'open-launcher' }, 'Launch runs…');
      launch.addEventListener('click', () => this.transport.send({ type: 'openLauncher' }));
      this.header.append(launch);
      this.cancelButton = custom('vscode-button', { secondary: '', class: 'cancel-runs' }, 'Cancel');
      this.cancelButton.hidden = true;
      this.cancelButton.addEventListener('click', () => {
        const ids = this.unfinishedSelected();
        if (ids.length) this.transport.send({ type: 'cancelRuns', ids });
      });
      this.header.append(this.cancelButton);
    } else {
      this.cancelButton = null;
    }
  }

  private renderNotices(): void {
    this.noticeBox.replaceChildren(...this.notices.map((text) => el('div', 'notice', text)));
  }

  private select(label: string, options: [string, string][], value: string, onChange: (value: string) => void): HTMLElement {
    const wrap = el('label', 'control');
    wrap.append(el('span', undefined, label));
    const select = custom('vscode-single-select', { 'aria-label': label }) as HTMLElement & { value: string };
    for (const [v, text] of options) {
      const option = custom('vscode-option', { value: v }, text);
      if (v === value) option.setAttribute('selected', '');
      select.append(option);
    }
    select.addEventListener('change', () => onChange(select.value));
    wrap.append(select);
    return wrap;
  }

  private checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void): HTMLElement {
    const box = custom('vscode-checkbox', { label }) as HTMLElement & { checked: boolean };
    box.checked = checked;
    box.addEventListener('change', () => onChange(box.checked));
    return box;
  }

  /** The controls above the view; rebuilt only when the choices they offer change. */
  private renderControls(runs: RunSummary[]): void {
    const { params, metrics } = tableColumns(runs);
    const key = JSON.stringify([this.state.view, params, metrics]);
    if (key === this.controls.dataset.key) return;
    this.controls.dataset.key = key;
    this.controls.replaceChildren();
    if (this.state.view === 'charts') {
      this.controls.append(this.select('X axis', X_AXIS_MODES.map((m) => [m, X_LABELS[m]]), this.state.xAxis, (v) => this.setState({ xAxis: v as XAxisMode }, { view: true })));
      const smoothing = el('label', 'control smoothing');
      smoothing.append(el('span', undefined, 'Smoothing'));
      const range = el('input');
      range.type = 'range';
      range.min = '0';
      range.max = '0.99';
      range.step = '0.01';
      range.value = String(this.state.smoothing);
      range.setAttribute('aria-label', 'Smoothing');
      const value = el('output', undefined, this.state.smoothing.toFixed(2));
      range.addEventListener('input', () => {
        value.textContent = Number(range.value).toFixed(2);
        this.setState({ smoothing: Number(range.value) }, { view: true });
      });
      smoothing.append(range, value);
      this.controls.append(smoothing);
      this.controls.append(this.checkbox('Log x', this.state.logX, (c) => this.setState({ logX: c }, { view: true })));
      this.controls.append(this.checkbox('Log y', this.state.logY, (c) => this.setState({ logY: c }, { view: true })));
      this.controls.append(this.select('Group by', [['', 'none'], ...params.map((p): [string, string] => [p, p])], this.state.groupBy, (v) => this.setState({ groupBy: v }, { view: true })));
    } else if (this.state.view === 'hparams') {
      this.controls.append(this.select('Metric', metrics.map((m): [string, string] => [m, m]), this.hparamsMetric(runs), (v) => this.setState({ hparamsMetric: v }, { view: true })));
    }
  }
}
