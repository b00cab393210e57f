// Fault injection over a real run store and the real `mlts ui` bundle (dist/cli.js; run `npm run build` first) in
// headless Chromium: a folder where metrics.jsonl should be (at start and swapped in while the server runs), damaged
// and non-UTF-8 lines, a garbled run.json and state.json, a 1 GB metrics file generated on the fly, a run deleted
// while the page is open, a full tmpfs as the store, and `mlts runs | head`. Each case checks that the server stays
// up, the other runs display, the broken run shows its reason, and nothing written before the fault is lost.
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/harness/workbench';
import { metricLine, RESULTS, SeededStore, seedRun, startBuiltUi } from './dashboardFixtures';
import { dist } from './processes';
import { mlts, workspace } from './runWorkspace';
import { RunStore } from '../../runtime/src/store/runStore';

const ROOT = join(RESULTS, 'store-faults');
const GOOD = '20261125-100000-good-aaaaaa';
const OTHER = '20261125-100001-other-bbbbbb';
const FOLDER = '20261125-100002-folder-cccccc';
const DAMAGED = '20261125-100003-damaged-dddddd';
const BADBYTES = '20261125-100004-badbytes-eeeeee';
const GARBLED = '20261125-100005-garbled-ffffff';
const HUGE = '20261125-100006-huge-111111';
const DOOMED = '20261125-100007-doomed-222222';
/** Size of the generated metrics file of HUGE. */
const HUGE_BYTES = 1024 * 1024 * 1024;

let store: SeededStore;
let ui: { url: string; child: ChildProcess; stderr: () => string };
let browser: Browser;

/** Writes ~HUGE_BYTES of batch lines with an epoch line every 10,000, from one repeated block; returns the epochs. */
function writeHugeMetrics(path: string): number {
  const lines: string[] = [];
  for (let i = 0; i < 10_000; i++) lines.push(JSON.stringify({ kind: i === 9_999 ? 'epoch' : 'batch', t: 1e12 + i, step: 0, batch: i, fit: 0, values: { loss: 1 / (i + 1), acc: i / 1e4 } }));
  const block = Buffer.from(lines.join('\n') + '\n');
  const fd = openSync(path, 'w');
  let blocks = 0;
  try {
    for (let written = 0; written < HUGE_BYTES; written += block.length, blocks++) writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
  return blocks;
}


let hugeEpochs = 0;
const timings: Record<string, number> = {};

before(async () => {
  rmSync(ROOT, { recursive: true, force: true });
  store = new SeededStore(join(ROOT, 'store'));
  for (const [id, seed] of [[GOOD, 1], [OTHER, 2], [FOLDER, 3], [DAMAGED, 4], [BADBYTES, 5], [GARBLED, 6], [HUGE, 7], [DOOMED, 8]] as const) {
    seedRun(store, { id, status: 'finished', params: { lr: 0.01 * seed }, epochs: 20, seed });
  }
  rmSync(store.metricsPath(FOLDER));
  mkdirSync(store.metricsPath(FOLDER));
  writeFileSync(join(store.store.runDir(DAMAGED), 'metrics.jsonl'), Buffer.concat([Buffer.from(metricLine(0, 1, 2) + 'garbage\n'), Buffer.from([0x7b, 0xff, 0x0a]), Buffer.from(metricLine(1, 3, 1))]));
  // One bad byte in run.json's message: the run still shows, with the reason.
  const runJson = join(store.store.runDir(BADBYTES), 'run.json');
  const text = JSON.stringify({ ...store.store.readLaunch(BADBYTES), message: 'MARK' });
  const [head, tail] = text.split('MARK');
  writeFileSync(runJson, Buffer.concat([Buffer.from(head!), Buffer.from([0xc3, 0x28]), Buffer.from(tail!)]));
  writeFileSync(join(store.store.runDir(GARBLED), 'run.json'), '{"format": 2, "id": "garb');
  const started = Date.now();
  hugeEpochs = writeHugeMetrics(store.metricsPath(HUGE));
  timings.generateMs = Date.now() - started;
  const uiStart = Date.now();
  ui = await startBuiltUi(store.root);
  timings.uiStartMs = Date.now() - uiStart;
  browser = await launchBrowser();
});

after(async () => {
  // The server's memory after reading part or all of the 1 GB file (the feed bounds it at MAX_POINTS_PER_RUN).
  const status = ui?.child.pid ? readFileSync(`/proc/${ui.child.pid}/status`, 'utf8') : '';
  timings.uiRssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  timings.uiHwmKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  await browser?.close();
  ui?.child.kill('SIGTERM');
  rmSync(ROOT, { recursive: true, force: true });
  console.log(`store-faults timings: ${JSON.stringify(timings)}`);
});

async function open(): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(ui.url);
  await page.locator(`tr[data-run-id="${GOOD}"]`).waitFor();
  return page;
}

const row = (page: Page, id: string) => page.locator(`tr[data-run-id="${id}"]`);

test('mlts ui starts beside a 1 GB metrics file; each broken run shows its reason and the others display', async () => {
  assert.ok(timings.uiStartMs! < 10_000, `mlts ui took ${timings.uiStartMs} ms to start`);
  const page = await open();
  await row(page, OTHER).waitFor();
  await row(page, FOLDER).locator('.run-problem', { hasText: 'metrics.jsonl is a folder, not a file' }).waitFor();
  await row(page, DAMAGED).locator('.run-problem', { hasText: '2 damaged metrics.jsonl lines skipped' }).waitFor();
  await row(page, BADBYTES).locator('.run-problem', { hasText: 'not valid UTF-8' }).waitFor();
  await row(page, GARBLED).locator('.run-problem', { hasText: 'run.json is not valid JSON' }).waitFor();
  await row(page, HUGE).waitFor();
  assert.equal(ui.child.exitCode, null, 'the server is up');
  await page.context().close();
});

test('a folder swapped in for metrics.jsonl and a run deleted while the page is open leave the server up', async () => {
  const page = await open();
  rmSync(store.metricsPath(OTHER));
  mkdirSync(store.metricsPath(OTHER));
  await row(page, OTHER).locator('.run-problem', { hasText: 'is a folder, not a file' }).waitFor();
  rmSync(store.store.runDir(DOOMED), { recursive: true });
  await row(page, DOOMED).waitFor({ state: 'detached' });
  await row(page, GOOD).waitFor();
  assert.equal(ui.child.exitCode, null, 'the server is up');
  await page.context().close();
});

test('damaged lines lose nothing around them, and a 1 GB file answers mlts runs --format json in bounded memory', async () => {
  const damaged = await mlts(['runs', DAMAGED, '--store', store.root, '--format', 'json'], ROOT);
  assert.equal(damaged.code, 0, damaged.stderr);
  assert.deepEqual((JSON.parse(damaged.stdout) as { metrics: { step: number }[] }).metrics.map((p) => p.step), [0, 1]);
  const started = Date.now();
  const out = join(ROOT, 'huge.json');
  const rss = execFileSync('/usr/bin/env', ['bash', '-c', `/usr/bin/time -f %M ${process.execPath} ${dist('cli.js')} runs ${HUGE} --store ${store.root} --format json > ${out} 2> ${out}.err; tail -1 ${out}.err`]).toString().trim();
  timings.runsJsonMs = Date.now() - started;
  timings.runsJsonMaxRssKb = Number(rss);
  const parsed = JSON.parse(execFileSync('cat', [out], { maxBuffer: 1 << 30 }).toString()) as { metrics: unknown[] };
  assert.equal(parsed.metrics.length, hugeEpochs, 'every epoch point of the 1 GB file');
  assert.ok(statSync(store.metricsPath(HUGE)).size >= HUGE_BYTES);
  assert.equal(ui.child.exitCode, null);
});

test('mlts runs piped into head ends quietly, without an EPIPE stack trace', async () => {
  const text = execFileSync('bash', ['-c', `${process.execPath} ${dist('cli.js')} runs --store ${store.root} 2>&1 | head -1; echo "status \${PIPESTATUS[0]}"`]).toString();
  assert.doesNotMatch(text, /EPIPE|Error/);
  assert.match(text, /status 0/);
});

/** Mounts a 2 MiB tmpfs at DIR/full, fills `fillBlocks` 4 KiB blocks of it (null: all), runs `body`, unmounts. */
async function withFullTmpfs(t: { skip(reason: string): void }, dir: string, fillBlocks: number | null, body: (mount: string) => Promise<void>): Promise<void> {
  const mount = join(dir, 'full');
  mkdirSync(mount);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mount], { stdio: 'ignore' });
  } catch {
    t.skip('mounting a tmpfs is not permitted here');
    return;
  }
  try {
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${join(mount, 'fill')}`, 'bs=4k', ...(fillBlocks === null ? [] : [`count=${fillBlocks}`])], { stdio: 'ignore' });
    } catch {
      // dd stops with an error once the file system is full, which is the point.
    }
    await body(mount);
  } finally {
    execFileSync('umount', [mount]);
  }
}

function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? filesUnder(join(d, n)) : [join(d, n)]));
}

test('a full file system as the store: one "disk full" line, no empty .gitignore, no temporary files', async (t) => {
  const dir = workspace('store-faults', 'full');
  await withFullTmpfs(t, dir, null, async (mount) => {
    const result = await mlts(['run', 'small.ml.ts', '--store', join(mount, 'store')], dir);
    assert.equal(result.code, 1);
    // Dawn's own "Warning:" lines from the WebGPU probe aside, mlts says one line and no stack trace.
    const said = result.stderr.split('\n').filter((l) => l && !l.startsWith('Warning:'));
    assert.equal(said.length, 1, result.stderr);
    assert.match(said[0]!, /^mlts run: disk full: could not write .*\(no space left on device\)$/);
    const files = filesUnder(join(mount, 'store'));
    assert.ok(!files.some((f) => f.endsWith('.tmp')), `no temporary files: ${files.join(', ')}`);
    const ignore = join(mount, 'store', '.gitignore');
    assert.ok(!existsSync(ignore) || statSync(ignore).size > 0, 'no empty .gitignore');
  });
});

test('a disk that fills while a run logs: its final state says "disk full" and the points before it are kept', async (t) => {
  const dir = workspace('store-faults', 'filling');
  writeFileSync(join(dir, 'fill.ml.ts'), "const name = 'm'.repeat(200);\nfor (let i = 0; i < 100000; i++) mlts.log({ [name]: i }, i);\n");
  await withFullTmpfs(t, dir, 490, async (mount) => {
    const result = await mlts(['run', 'fill.ml.ts', '--store', join(mount, 'store')], dir);
    assert.equal(result.code, 1);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    assert.match(result.stderr, /failed .*disk full: could not write .*metrics\.jsonl/);
    const store = new RunStore(join(mount, 'store'));
    const [run] = store.list({ repair: false }).runs;
    assert.equal(run?.status, 'failed');
    assert.match(run?.message ?? '', /^disk full: /);
    const points = store.metrics(run!.id).points;
    assert.ok(points.length > 100, `${points.length} points kept`);
    assert.deepEqual(points.map((p) => p.step), points.map((_, i) => i), 'every point before the fault, in order');
    assert.ok(!filesUnder(join(mount, 'store')).some((f) => f.endsWith('.tmp')), 'no temporary files');
  });
});
