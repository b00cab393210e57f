// Benchmark of the run dashboard at the sizes issue 14 names: 10,000 runs × 1,000 points and 100 runs × 1,000,000
// points. Two parts:
// 1. The page alone (the real dashboard bundle fed by bench/dashboard.ts's fake host in headless Chromium, so no
//    transport is timed): first meaningful paint at 10k runs (run list arrives → the loss chart has drawn the runs it charts, the first 100)
//    against uPlot alone drawing the same points, then the latency of sorting, filtering, selecting the 100th run
//    and zooming, each timed inside the page from the action to the frame that shows its result.
// 2. The real `mlts ui` server (dist/cli.js; run `npm run build` first) over a real store generated on disk: time
//    until the page shows the table and a drawn chart, the time until the server has read every metrics file (its
//    CPU stops moving), and the server's peak RSS (VmHWM).
// Goals (issue 14): first paint ≤ 1.5 s and every interaction ≤ 100 ms at 10k runs; server RSS ≤ 300 MB at
// 100 × 1 M points. Usage: npm run build && npm run bench -- dashboard-scale
// MLTS_BENCH_SCALE=0.1 shrinks the generated stores (points per run) for a quick look; the numbers in BENCHMARKS.md
// are at 1. MLTS_BENCH_PARTS=page or =server runs one part.
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../test/e2e/harness/workbench';
import { buildDashboardAssets, SeededStore, seedRun, startBuiltUi } from '../test/integration/dashboardFixtures';
import { openWith } from './dashboard';
import { procStatus } from './procStatus';
import { median } from './stats';
import { DEFAULT_CHARTED_RUNS } from '../webviews/src/dashboard/viewState';

const SCALE = Number(process.env.MLTS_BENCH_SCALE ?? 1);
const REPEATS = 3;
const PARTS = (process.env.MLTS_BENCH_PARTS ?? 'page,server').split(',');
const STORE_ROOT = join(tmpdir(), 'mlts-bench-dashboard-scale');

type Timings = Record<string, number>;

/**
 * Milliseconds from running `action` in the page until `done` holds there, checked at each animation frame (the
 * dashboard renders in requestAnimationFrame): timed inside the page, so playwright's own round trips and its
 * actionability waits (two frames per click) are not counted.
 */
async function timed(page: Page, action: string, done: string): Promise<number> {
  // A string, not a function: tsx's helpers (__name) do not exist in the page.
  const ms = await page.evaluate(`new Promise((resolve, reject) => {
    const start = performance.now();
    (() => { ${action}; })();
    const check = () => {
      if (${done}) resolve(performance.now() - start);
      else if (performance.now() - start > 120000) reject(new Error('not within 120 s'));
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  })`);
  return Number(ms);
}

const CHART_RUNS = `document.querySelector('.chart[data-metric="loss"]')?.dataset.runs`;
const FILTER = `document.querySelector('vscode-textfield.filter')`;

/** Part 1: the page at 10k runs × 1k points, fed by the fake host. */
async function pageAtScale(browser: Browser, assets: string): Promise<{ firstPaint: number; uplot: number; interactions: Timings }> {
  const scenario = { runs: 10_000, points: Math.max(10, Math.round(1000 * SCALE)), streaming: 0 };
  const paints: number[] = [];
  const peers: number[] = [];
  const interactions: Record<string, number[]> = { sort: [], filter: [], 'clear filter': [], 'select the 100th run': [], zoom: [] };
  for (let i = 0; i < REPEATS; i++) {
    const page = await openWith(browser, assets, scenario, 'dashboard');
    await page.waitForFunction(() => (globalThis as unknown as { __bench: { firstRender: number | null } }).__bench.firstRender !== null, undefined, { timeout: 600_000 });
    paints.push(await page.evaluate(() => (globalThis as unknown as { __bench: { firstRender: number } }).__bench.firstRender));
    const width = Number(await page.evaluate("Math.round(document.querySelector('.chart[data-metric=\"loss\"] canvas').clientWidth)"));

    interactions.sort!.push(await timed(page, `document.querySelector('th[data-column="param:lr"] button.sort').click()`, `document.querySelector('th[data-column="param:lr"]').getAttribute('aria-sort') !== 'none'`));
    interactions.filter!.push(await timed(page, `const f = ${FILTER}; f.value = 'run-00042'; f.dispatchEvent(new Event('input'))`, `${CHART_RUNS} === '1'`));
    interactions['clear filter']!.push(await timed(page, `const f = ${FILTER}; f.value = ''; f.dispatchEvent(new Event('input'))`, `${CHART_RUNS} === '${Math.min(scenario.runs, DEFAULT_CHARTED_RUNS)}'`));
    // Select 99 runs untimed, then time the 100th: the chart redraws with 100 runs.
    // Clicked in the page, in one go: playwright's clicks, each waiting for the row to stand still, could land while
    // a 10,000-run redraw was still going.
    const ids = await page.locator('table.runs tbody tr[data-run-id]').evaluateAll((rows) => rows.slice(0, 100).map((r) => r.getAttribute('data-run-id')!));
    await page.evaluate(`${JSON.stringify(ids.slice(0, 99))}.forEach((id) => document.querySelector('tr[data-run-id="' + id + '"] td.run-cell').click())`);
    await page.waitForFunction(`${CHART_RUNS} === '99'`, undefined, { timeout: 600_000 });
    const hundredth = ids[99]!;
    interactions['select the 100th run']!.push(await timed(page, `document.querySelector('tr[data-run-id="${hundredth}"] td.run-cell').click()`, `${CHART_RUNS} === '100'`));
    // Zoom: a drag over the middle third of the loss chart (uPlot zooms on mouseup); done when the canvas changed.
    const over = page.locator('.chart[data-metric="loss"] .u-over');
    const box = (await over.boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width / 3, y);
    await page.mouse.down();
    await page.mouse.move(box.x + (box.width * 2) / 3, y, { steps: 4 });
    await page.evaluate(`window.__canvasBefore = document.querySelector('.chart[data-metric="loss"] canvas').toDataURL()`);
    const upAt = { clientX: Math.round(box.x + (box.width * 2) / 3), clientY: Math.round(y) };
    interactions.zoom!.push(
      await timed(
        page,
        `document.dispatchEvent(new MouseEvent('mouseup', { bubbles: true, clientX: ${upAt.clientX}, clientY: ${upAt.clientY}, button: 0 }))`,
        `document.querySelector('.chart[data-metric="loss"] canvas').toDataURL() !== window.__canvasBefore`,
      ),
    );
    await page.mouse.up();
    await page.context().close();

    const base = await openWith(browser, assets, scenario, 'baseline');
    peers.push(await base.evaluate((w) => (globalThis as unknown as { __baseline(w: number): Promise<number> }).__baseline(w), width));
    await base.context().close();
  }
  return { firstPaint: median(paints), uplot: median(peers), interactions: Object.fromEntries(Object.entries(interactions).map(([k, v]) => [k, median(v)])) };
}

/** Writes a store of `runs` runs; each has `epochs` epoch points, and `batchPoints` batch points when given. */
function generateStore(name: string, runs: number, epochs: number, batchPoints = 0): { root: string; bytes: number; seconds: number } {
  const started = performance.now();
  const seeded = new SeededStore(join(STORE_ROOT, name));
  let bytes = 0;
  const block = batchPoints ? batchBlock() : null;
  for (let i = 0; i < runs; i++) {
    const id = `20261205-${String(100000 + i)}-scale-${(i * 2654435761 >>> 0).toString(16).padStart(8, '0').slice(0, 6)}`;
    seedRun(seeded, { id, status: 'finished', params: { lr: [0.001, 0.01, 0.1][i % 3]!, hidden: [16, 32, 64, 128][i % 4]! }, epochs, seed: i + 1 });
    if (block) bytes += appendBatches(seeded.metricsPath(id), block, batchPoints);
  }
  return { root: seeded.root, bytes, seconds: (performance.now() - started) / 1000 };
}

const BLOCK_POINTS = 10_000;

/** 10,000 batch points as one buffer, written again and again (generating 100 M lines one by one would take minutes). */
function batchBlock(): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < BLOCK_POINTS; i++) lines.push(JSON.stringify({ kind: 'batch', t: 1.76e12 + i, step: 0, batch: i, fit: 0, values: { loss: 2 / (1 + i / 500) } }));
  return Buffer.from(lines.join('\n') + '\n');
}

function appendBatches(path: string, block: Buffer, points: number): number {
  const fd = openSync(path, 'a');
  let bytes = 0;
  try {
    for (let written = 0; written < points; written += BLOCK_POINTS) bytes += writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

async function startServer(root: string): Promise<{ url: string; child: ChildProcess; startedAt: number }> {
  const startedAt = performance.now();
  const { url, child } = await startBuiltUi(root);
  return { url, child, startedAt };
}

/** Part 2: the real server over a generated store; the page opens at once, as a user's browser would. */
async function serverAtScale(browser: Browser, root: string): Promise<Timings> {
  const { url, child, startedAt } = await startServer(root);
  const pid = child.pid!;
  try {
    const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
    const page = await context.newPage();
    page.setDefaultTimeout(600_000);
    await page.goto(url);
    await page.locator('table.runs tbody tr').first().waitFor();
    const table = performance.now() - startedAt;
    // A locator, not a page function: the server's page has a nonce CSP, so no string is evaluated there.
    await page.locator('.chart[data-metric="loss"][data-points]:not([data-points="0"])').waitFor({ timeout: 600_000 });
    const chart = performance.now() - startedAt;
    // The server has read everything once it stays under a quarter of a core for 3 s (it keeps polling the store: at
    // 10,000 runs a poll's stats cost a few percent of a core, so it never stands quite still).
    let last = procStatus(pid).cpuTicks;
    let still = 0;
    while (still < 3) {
      await new Promise((r) => setTimeout(r, 1000));
      const now = procStatus(pid).cpuTicks;
      still = now - last <= 25 ? still + 1 : 0;
      last = now;
    }
    const caughtUp = performance.now() - startedAt - 3000;
    const { rssMb, hwmMb } = procStatus(pid);
    await context.close();
    return { 'table shown (ms)': table, 'first chart drawn (ms)': chart, 'all metrics read (ms)': caughtUp, 'server RSS after (MB)': rssMb, 'server peak RSS (MB)': hwmMb };
  } finally {
    child.kill('SIGTERM');
  }
}

export async function benchDashboardScale(): Promise<unknown> {
  const assets = await buildDashboardAssets('bench-dashboard-scale');
  const browser = await launchBrowser();
  const results: Record<string, unknown> = { scale: SCALE, cores: cpus().length };
  try {
    if (PARTS.includes('page')) {
      const page = await pageAtScale(browser, assets);
      results['page, 10k runs'] = page;
      console.log(`page, 10,000 runs × ${Math.round(1000 * SCALE)} points: first paint ${page.firstPaint.toFixed(0)} ms (goal ≤ 1500), uPlot alone ${page.uplot.toFixed(0)} ms, ratio ${(page.firstPaint / page.uplot).toFixed(2)}`);
      for (const [name, ms] of Object.entries(page.interactions)) console.log(`  ${name}: ${ms.toFixed(0)} ms (goal ≤ 100)`);
    }
    if (!PARTS.includes('server')) return results;

    for (const [name, runs, epochs, batches] of [
      ['100 runs × 1M points', 100, 10, Math.round(1_000_000 * SCALE)],
      ['10k runs × 1k points', 10_000, Math.round(1000 * SCALE), 0],
    ] as const) {
      const store = generateStore(name.replace(/\W+/g, '-'), runs, epochs, batches);
      const label = SCALE === 1 ? name : `${runs} runs × ${batches || epochs} points`;
      console.log(`generated ${label} in ${store.seconds.toFixed(0)} s${store.bytes ? ` (${(store.bytes / 2 ** 30).toFixed(1)} GiB of batch lines)` : ''}`);
      const server = await serverAtScale(browser, store.root);
      results[`server, ${label}`] = server;
      console.log(`server, ${label}: ${Object.entries(server).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
      rmSync(store.root, { recursive: true, force: true });
    }
    results.loadAverage = loadavg()[0];
    console.log(`load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
    return results;
  } finally {
    await browser.close();
  }
}
