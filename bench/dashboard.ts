// Benchmark of the run dashboard in headless Chromium: first render of 100 runs × 10,000 points and of 1,000 runs ×
// 1,000 points (from the moment the run list arrives to the loss chart having drawn every charted run, the first 100
// listed when none is selected: table, subscription,
// smoothing, downsampling and drawing included), against uPlot alone drawing the same raw points in a chart of the
// same size (the peer; the ratio's goal is ≤ 1.5); then frame times and long tasks (PerformanceObserver `longtask`,
// over 50 ms) while 20 runs stream. The dashboard runs its real bundle with a fake VS Code host in the page, so the
// numbers measure the front end, not a transport. Usage: npm run bench -- dashboard
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/e2e/harness/workbench';
import { buildDashboardAssets, REPO } from '../test/integration/dashboardFixtures';
import { median, quantile } from './stats';
import { DEFAULT_CHARTED_RUNS } from '../webviews/src/dashboard/viewState';

const ORIGIN = 'http://bench.mlts.invalid';
const REPEATS = 5;

/** Page-side data and fake host (plain JavaScript: it runs before the dashboard's bundle). */
const FAKE_HOST = `
(() => {
  const cfg = window.__benchConfig;
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const ids = Array.from({ length: cfg.runs }, (_, i) => 'run-' + String(i).padStart(5, '0'));
  const chunks = {};
  const series = [];
  const t0 = Date.UTC(2026, 10, 25);
  for (const id of ids) {
    const n = cfg.points;
    const t = new Array(n), step = new Array(n), batch = new Array(n), kind = new Array(n), fit = new Array(n), loss = new Array(n);
    const rate = 0.5 + rand() * 3;
    for (let i = 0; i < n; i++) {
      t[i] = t0 + i * 1000; step[i] = i; batch[i] = -1; kind[i] = 0; fit[i] = 0;
      loss[i] = 0.05 + 2 * Math.exp(-rate * i / n) + (rand() - 0.5) * 0.2;
    }
    chunks[id] = { runId: id, from: 0, t, step, batch, kind, fit, values: { loss } };
    series.push([step, loss]);
  }
  const summaries = ids.map((id, i) => ({ id, status: i < cfg.streaming ? 'running' : 'finished', file: 'exp.ml.ts', params: { lr: [0.001, 0.01, 0.1][i % 3], hidden: [16, 32, 64, 128][i % 4] }, finalMetrics: { loss: chunks[id].values.loss[cfg.points - 1] }, backend: 'cpu', group: null, queuedAt: new Date(t0 + i * 1000).toISOString(), startedAt: new Date(t0 + i * 1000).toISOString(), endedAt: null, message: null, progress: null, where: null }));
  const bench = (window.__bench = { ids, series, firstRender: null, frames: [], longTasks: [], work: [], measuring: false });
  // Times the dashboard's own work per frame (its render runs in requestAnimationFrame), to tell long tasks caused
  // by it from a busy machine's scheduling.
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => raf((time) => {
    const started = performance.now();
    callback(time);
    if (bench.measuring) bench.work.push(performance.now() - started);
  });
  const post = (data) => window.dispatchEvent(new MessageEvent('message', { data }));
  let state = { view: 'charts', smoothing: 0.6, selected: [] };
  window.acquireVsCodeApi = () => ({
    getState: () => state,
    setState: (s) => (state = s),
    postMessage: (m) => {
      if (m.type === 'ready') setTimeout(() => {
        post({ type: 'hello', store: 'bench', canLaunch: false });
        bench.start = performance.now();
        bench.measuring = true;
        post({ type: 'runs', reset: true, runs: summaries, removed: [] });
        bench.work.push(performance.now() - bench.start);
        const check = () => {
          const chart = document.querySelector('.chart[data-metric="loss"]');
          if (chart && Number(chart.dataset.runs) === cfg.charted) {
            bench.firstRender = performance.now() - bench.start;
            bench.firstWork = bench.work.reduce((a, b) => a + b, 0);
            bench.measuring = false;
            bench.work = [];
          } else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      });
      if (m.type === 'subscribe') setTimeout(() => {
        const started = performance.now();
        // Only the points past what the page holds, as a host sends them.
        for (const r of m.runs) {
          const c = chunks[r.id];
          if (!c || r.from >= c.t.length) continue;
          const cut = (a) => (r.from ? a.slice(r.from) : a);
          post({ type: 'metrics', chunk: { runId: r.id, from: r.from, t: cut(c.t), step: cut(c.step), batch: cut(c.batch), kind: cut(c.kind), fit: cut(c.fit), values: { loss: cut(c.values.loss) } } });
        }
        if (bench.measuring) bench.work.push(performance.now() - started);
      });
    },
  });
  /** Appends 'per' points to each streaming run every 'everyMs', and records frame gaps and long tasks. */
  bench.stream = (durationMs, everyMs, per) => new Promise((resolve) => {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) bench.longTasks.push(e.duration); }).observe({ type: 'longtask' });
    const lengths = Object.fromEntries(ids.slice(0, cfg.streaming).map((id) => [id, cfg.points]));
    const end = performance.now() + durationMs;
    let last = performance.now();
    const frame = (now) => { bench.frames.push(now - last); last = now; if (now < end) requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
    let tick = 0;
    bench.measuring = true;
    const timer = setInterval(() => {
      const started = performance.now();
      tick++;
      for (const id of ids.slice(0, cfg.streaming)) {
        const from = lengths[id];
        const t = [], step = [], batch = [], kind = [], fit = [], loss = [];
        for (let i = 0; i < per; i++) { t.push(t0 + (from + i) * 1000); step.push(from + i); batch.push(-1); kind.push(0); fit.push(0); loss.push(0.05 + Math.random() * 0.1); }
        lengths[id] = from + per;
        post({ type: 'metrics', chunk: { runId: id, from, t, step, batch, kind, fit, values: { loss } } });
      }
      // The store rewrites run.json with progress now and then; so does this host.
      if (tick % 5 === 0) post({ type: 'runs', reset: false, runs: summaries.slice(0, cfg.streaming).map((s) => ({ ...s, progress: { epoch: tick, epochs: 1000 } })), removed: [] });
      bench.work.push(performance.now() - started);
      if (performance.now() >= end) { clearInterval(timer); bench.measuring = false; resolve(true); }
    }, everyMs);
  });
})();
`;

/** The peer: uPlot alone drawing the same raw points (mode 2, one series per run) in a chart of the same size. */
const BASELINE = `
window.__baseline = (width) => new Promise((resolve) => {
  // The runs the dashboard charts (the first ones listed when none is selected): the same visible points.
  const series = window.__bench.series.slice(0, window.__benchConfig.charted);
  const box = document.createElement('div');
  document.body.append(box);
  const start = performance.now();
  requestAnimationFrame(() => {
    const linear = uPlot.paths.linear();
    const opts = { mode: 2, width, height: 240, legend: { show: false }, scales: { x: { time: false } }, cursor: { points: { show: false } },
      series: [{}, ...series.map((_, i) => ({ stroke: 'hsl(' + (i * 37) % 360 + ',70%,60%)', width: 1.5, paths: linear, points: { show: false } }))] };
    const plot = new uPlot(opts, [null, ...series], box);
    requestAnimationFrame(() => { const ms = performance.now() - start; plot.destroy(); box.remove(); resolve(ms); });
  });
});
`;

async function routeAssets(page: Page, assets: string): Promise<void> {
  const files: Record<string, [string, string]> = {
    '/dashboard.html': ['', 'text/html'],
    '/baseline.html': ['', 'text/html'],
    '/dashboardPanel.js': [join(assets, 'dashboardPanel.js'), 'text/javascript'],
    '/uPlot.min.css': [join(assets, 'uPlot.min.css'), 'text/css'],
    '/dashboard.css': [join(REPO, 'media', 'dashboard.css'), 'text/css'],
    '/dashboardStandalone.css': [join(REPO, 'media', 'dashboardStandalone.css'), 'text/css'],
    '/uPlot.iife.min.js': [join(REPO, 'node_modules', 'uplot', 'dist', 'uPlot.iife.min.js'), 'text/javascript'],
  };
  const pages: Record<string, string> = {
    '/dashboard.html': `<!DOCTYPE html><html><head><link rel="stylesheet" href="/uPlot.min.css"><link rel="stylesheet" href="/dashboardStandalone.css"><link rel="stylesheet" href="/dashboard.css"></head><body><script type="module" src="/dashboardPanel.js"></script></body></html>`,
    '/baseline.html': `<!DOCTYPE html><html><head><link rel="stylesheet" href="/uPlot.min.css"></head><body><script src="/uPlot.iife.min.js"></script></body></html>`,
  };
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = files[path];
    if (!file) return route.fulfill({ status: 404 });
    return route.fulfill({ status: 200, contentType: file[1], body: pages[path] ?? readFileSync(file[0]) });
  });
}

interface Scenario {
  runs: number;
  points: number;
  streaming: number;
}

export async function openWith(browser: Awaited<ReturnType<typeof launchBrowser>>, assets: string, scenario: Scenario, html: string, onConsole?: (text: string) => void, beforeLoad?: (page: Page) => Promise<void>): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const page = await context.newPage();
  if (onConsole) page.on('console', (m) => onConsole(m.text()));
  page.setDefaultTimeout(120_000);
  await routeAssets(page, assets);
  const config = { ...scenario, charted: Math.min(scenario.runs, DEFAULT_CHARTED_RUNS) };
  await page.addInitScript((cfg) => Object.assign(globalThis, { __benchConfig: cfg }), config);
  await page.addInitScript(FAKE_HOST);
  if (html === 'baseline') await page.addInitScript(BASELINE);
  await beforeLoad?.(page);
  await page.goto(`${ORIGIN}/${html}.html`);
  return page;
}

async function firstRender(browser: Awaited<ReturnType<typeof launchBrowser>>, assets: string, scenario: Scenario): Promise<{ dashboardMs: number; uplotMs: number; ratio: number }> {
  const dashboard: number[] = [];
  const peer: number[] = [];
  let width = 400;
  for (let i = 0; i < REPEATS; i++) {
    const page = await openWith(browser, assets, scenario, 'dashboard');
    await page.waitForFunction(() => (globalThis as unknown as { __bench: { firstRender: number | null } }).__bench.firstRender !== null);
    dashboard.push(await page.evaluate(() => (globalThis as unknown as { __bench: { firstRender: number } }).__bench.firstRender));
    width = await page.evaluate(() => Math.round((globalThis as unknown as { document: { querySelector(s: string): { clientWidth: number } } }).document.querySelector('.chart[data-metric="loss"] canvas').clientWidth));
    await page.context().close();
    const base = await openWith(browser, assets, scenario, 'baseline');
    peer.push(await base.evaluate((w) => (globalThis as unknown as { __baseline(w: number): Promise<number> }).__baseline(w), width));
    await base.context().close();
  }
  const dashboardMs = median(dashboard);
  const uplotMs = median(peer);
  return { dashboardMs, uplotMs, ratio: dashboardMs / uplotMs };
}

interface StreamResult {
  frameP50: number;
  frameP95: number;
  frameMax: number;
  /** The dashboard's own work per frame and per batch of messages (milliseconds). */
  workP95: number;
  workMax: number;
  longTasks: number[];
  seconds: number;
  loadAverage: number;
}

async function streaming(browser: Awaited<ReturnType<typeof launchBrowser>>, assets: string): Promise<StreamResult> {
  const scenario = { runs: 20, points: 5000, streaming: 20 };
  const page = await openWith(browser, assets, scenario, 'dashboard');
  await page.waitForFunction(() => (globalThis as unknown as { __bench: { firstRender: number | null } }).__bench.firstRender !== null);
  const seconds = 8;
  // 20 runs, each gaining 5 points every 100 ms: 1,000 points a second into one chart.
  await page.evaluate((ms) => (globalThis as unknown as { __bench: { stream(d: number, e: number, p: number): Promise<boolean> } }).__bench.stream(ms, 100, 5), seconds * 1000);
  const { frames, longTasks, work } = await page.evaluate(() => (globalThis as unknown as { __bench: { frames: number[]; longTasks: number[]; work: number[] } }).__bench);
  await page.context().close();
  const gaps = frames.slice(1);
  return { frameP50: median(gaps), frameP95: quantile(gaps, 0.95), frameMax: Math.max(...gaps), workP95: quantile(work, 0.95), workMax: Math.max(...work), longTasks, seconds, loadAverage: loadavg()[0]! };
}

export async function benchDashboard(): Promise<unknown> {
  const assets = await buildDashboardAssets('bench-dashboard');
  const browser = await launchBrowser();
  try {
    const results: Record<string, unknown> = {};
    for (const scenario of [
      { runs: 100, points: 10_000, streaming: 0 },
      { runs: 1000, points: 1000, streaming: 0 },
    ]) {
      const r = await firstRender(browser, assets, scenario);
      const name = `${scenario.runs} runs × ${scenario.points} points`;
      results[name] = r;
      console.log(`first render, ${name}: dashboard ${r.dashboardMs.toFixed(0)} ms, uPlot alone ${r.uplotMs.toFixed(0)} ms, ratio ${r.ratio.toFixed(2)} (goal ≤ 1.5; median of ${REPEATS})`);
    }
    const s = await streaming(browser, assets);
    results['20 runs streaming'] = s;
    console.log(
      `20 runs streaming for ${s.seconds} s: frame gaps p50 ${s.frameP50.toFixed(1)} ms, p95 ${s.frameP95.toFixed(1)} ms, max ${s.frameMax.toFixed(1)} ms; ` +
        `dashboard work per frame p95 ${s.workP95.toFixed(1)} ms, max ${s.workMax.toFixed(1)} ms; long tasks over 50 ms: ${s.longTasks.length}` +
        `${s.longTasks.length ? ` (${s.longTasks.map((d) => d.toFixed(0)).join(', ')} ms)` : ''}; load average ${s.loadAverage.toFixed(1)} on ${cpus().length} cores`,
    );
    return results;
  } finally {
    await browser.close();
  }
}


