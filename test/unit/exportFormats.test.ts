// The export of cells and saved outputs (runtime/src/export, runtime/src/outputs) and `mlts export` run
// in-process: saved outputs round-trip and stay bounded, each `// %%` cell is one notebook cell with the right
// output types and mime bundles, the HTML report loads nothing and escapes user text, PNGs decode to the pixels
// given, and the CLI's messages and exit codes for a file never run, a file without cells and an unwritable path.
// Jupyter's own validator and a real browser check the same files in test/integration/exportValidators.test.ts.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { runExportCommand } from '../../cli/src/exportCommand';
import type { CommandIO } from '../../cli/src/commandIO';
import { buildExportDocument, markdownOfCell } from '../../runtime/src/export/exportDocument';
import { reportHtml } from '../../runtime/src/export/htmlExport';
import { toNotebook } from '../../runtime/src/export/ipynbExport';
import { markdownText } from '../../runtime/src/export/markdownExport';
import { renderMarkdown } from '../../runtime/src/export/markdownHtml';
import { encodePng } from '../../runtime/src/export/pngEncoder';
import { boundSavedOutputs, readSavedOutputs, SAVED_OUTPUTS_FORMAT, savedOutputsPath, storeRootFor, type SavedOutputs } from '../../runtime/src/outputs/savedOutputs';
import { PIXELS, SAVED_RUNS, seedExportWorkspace } from '../support/exportFixtures';

const root = join(__dirname, '..', '..', 'test-results', 'unit', 'export');

function capture(cwd: string): CommandIO & { out: string; err: string } {
  const io = { cwd, out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

test('saved outputs round-trip, merge stream chunks, and get a .gitignore', () => {
  const ws = seedExportWorkspace(join(root, 'roundtrip'));
  const saved = readSavedOutputs(ws.store, ws.file)!;
  assert.equal(saved.format, SAVED_OUTPUTS_FORMAT);
  assert.deepEqual(saved.runs.map((r) => r.cellId), ['cell-1', 'cell-2', 'cell-3']);
  assert.deepEqual(saved.runs[0]!.items[0], { kind: 'stream', name: 'stdout', text: 'loaded 3\n' });
  assert.equal(readFileSync(join(ws.store, '.gitignore'), 'utf8').trim().split('\n').pop(), '*');
  assert.equal(storeRootFor(join(ws.dir, 'sub', 'x.ml.ts'), '/elsewhere'), ws.store);
  // Two files of one name in different folders never share their outputs.
  assert.notEqual(savedOutputsPath(ws.store, join(ws.dir, 'a', 'train.ml.ts')), savedOutputsPath(ws.store, join(ws.dir, 'b', 'train.ml.ts')));
  writeFileSync(savedOutputsPath(ws.store, ws.file), '{"format": 1, "torn');
  assert.equal(readSavedOutputs(ws.store, ws.file), undefined);
});

test('saved outputs stay under their bound: images go first, then long streams are cut', () => {
  const big = Buffer.alloc(400 * 400 * 4, 7).toString('base64');
  const outputs: SavedOutputs = {
    format: 1,
    file: '/x.ml.ts',
    savedAt: 0,
    runs: [{ ...SAVED_RUNS[0]!, items: [{ kind: 'value', value: { kind: 'image', width: 400, height: 400, rgbaBase64: big } }, { kind: 'stream', name: 'stdout', text: 'y'.repeat(200_000) }] }],
  };
  const bounded = boundSavedOutputs(outputs, 100_000);
  assert.ok(JSON.stringify(bounded).length <= 100_000);
  assert.match(bounded.truncated ?? '', /too large/);
  const [image, stream] = bounded.runs[0]!.items;
  assert.equal(image?.kind === 'value' && image.value.kind, 'text');
  assert.match(stream?.kind === 'stream' ? stream.text : '', /characters not saved/);
});

test('markdown cells lose their comment markers; the renderer escapes and loads nothing', () => {
  assert.equal(markdownOfCell('// # Title\n//\n// text `x`\n\n'), '# Title\n\ntext `x`');
  assert.equal(markdownOfCell('/**\n * # Title\n * body\n */'), '# Title\nbody');
  const html = renderMarkdown('# A <b>\nSee [docs](https://x.dev) and [bad](javascript:alert(1)) ![pic](https://x/p.png)\n\n- **one**\n- `<two>`\n\n```\n<code>\n```');
  assert.match(html, /<h1>A &lt;b&gt;<\/h1>/);
  assert.match(html, /<a href="https:\/\/x.dev">docs<\/a>/);
  assert.doesNotMatch(html, /javascript:|<img|p\.png/);
  assert.match(html, /<ul><li><strong>one<\/strong><\/li><li><code>&lt;two&gt;<\/code><\/li><\/ul>/);
  assert.match(html, /<pre><code>&lt;code&gt;<\/code><\/pre>/);
});

test('PNG encoding gives back the pixels (filter byte 0 before each row)', () => {
  const png = encodePng(2, 2, PIXELS);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const idat = png.indexOf('IDAT');
  const length = png.readUInt32BE(idat - 4);
  const rows = inflateSync(png.subarray(idat + 4, idat + 4 + length));
  assert.deepEqual([...rows], [0, ...PIXELS.subarray(0, 8), 0, ...PIXELS.subarray(8)]);
});

test('the notebook has one cell per // %% cell, ids, and typed outputs with mime bundles', () => {
  const ws = seedExportWorkspace(join(root, 'notebook'));
  const nb = toNotebook(buildExportDocument(ws.file, ws.store)) as { nbformat: number; nbformat_minor: number; cells: Record<string, unknown>[] };
  assert.equal(nb.nbformat, 4);
  assert.equal(nb.nbformat_minor, 5);
  assert.deepEqual(nb.cells.map((c) => [c.id, c.cell_type]), [['cell-0', 'markdown'], ['cell-1', 'code'], ['cell-2', 'code'], ['cell-3', 'code']]);
  assert.equal((nb.cells[0]!.source as string[]).join(''), '# Digits <demo>\nTrains a **tiny** model; see `fit` below.\n- one\n- two');
  assert.equal((nb.cells[1]!.source as string[]).join(''), "const xs = [1, 2, 3];\nconsole.log('loaded', xs.length);");
  const outputs = nb.cells.slice(1).map((c) => (c.outputs as { output_type: string; data?: Record<string, unknown> }[]).map((o) => [o.output_type, Object.keys(o.data ?? {}).sort().join(',')]));
  assert.deepEqual(outputs, [
    [['stream', ''], ['display_data', 'text/html,text/plain'], ['execute_result', 'text/plain']],
    [['display_data', 'image/png,text/plain'], ['display_data', 'image/svg+xml,text/plain']],
    [['stream', ''], ['error', '']],
  ]);
  assert.equal(nb.cells[1]!.execution_count, 1);
});

test('the HTML report is self-contained: no scripts, no URLs to load, user text escaped', () => {
  const ws = seedExportWorkspace(join(root, 'html'));
  const html = reportHtml(buildExportDocument(ws.file, ws.store));
  assert.doesNotMatch(html, /<script|\bsrc="(?!data:)|url\(|@import|<link/i);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.match(html, /<img class="mlts-image"[^>]*src="data:image\/png;base64,/);
  assert.match(html, /<svg[^>]*class="mlts-chart"/);
  assert.match(html, /boom &lt;b&gt;/);
  assert.doesNotMatch(html, /<i>x<\/i>|<b>/);
  assert.match(html, /<h2>Tracked runs<\/h2>/);
  assert.match(html, /20261205-100000-digits-abcdef/);
  assert.match(html, /<h1>Digits &lt;demo&gt;<\/h1>/);
});

test('Markdown export fences code and outputs, and tables the runs', () => {
  const ws = seedExportWorkspace(join(root, 'md'));
  const md = markdownText(buildExportDocument(ws.file, ws.store));
  assert.match(md, /```ts\nconst xs = \[1, 2, 3\];/);
  assert.match(md, /```text\nloaded 3\n```/);
  assert.match(md, /!\[four pixels\]\(data:image\/png;base64,/);
  assert.match(md, /\| run \| status \| lr \| loss \|\n\| --- \| --- \| --- \| --- \|\n\| 20261205-100000-digits-abcdef \| finished \| 0.01 \| 0.25 \|/);
});

test('mlts export writes each format; a file never run exports its cells and says so', () => {
  const ws = seedExportWorkspace(join(root, 'cli'));
  for (const format of ['html', 'ipynb', 'md']) {
    const io = capture(ws.dir);
    assert.equal(runExportCommand(['digits.ml.ts', '--to', format], io), 0, io.err);
    assert.match(io.out, new RegExp(`digits\\.${format}: 4 cells, 3 with outputs, 1 tracked run`));
    assert.ok(existsSync(join(ws.dir, `digits.${format}`)));
  }
  const fresh = seedExportWorkspace(join(root, 'never-run'), { outputs: false, run: false });
  const io = capture(fresh.dir);
  assert.equal(runExportCommand(['digits.ml.ts', '--to', 'ipynb', '-o', 'out/nb.ipynb'], io), 0);
  assert.match(io.err, /never run in a kernel: its cells are exported without outputs/);
  const nb = JSON.parse(readFileSync(join(fresh.dir, 'out', 'nb.ipynb'), 'utf8')) as { cells: { outputs?: unknown[] }[] };
  assert.ok(nb.cells.every((c) => (c.outputs ?? []).length === 0));
});

test('mlts export: no cells, a missing file or an unwritable path give a message and exit 1; bad usage exits 2', () => {
  const dir = join(root, 'errors');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'empty.ml.ts'), '\n\n');
  writeFileSync(join(dir, 'ok.ml.ts'), '// %%\n1\n');
  writeFileSync(join(dir, 'blocker'), 'a file where a folder should be');
  const cases: [string[], RegExp][] = [
    [['empty.ml.ts', '--to', 'html'], /empty\.ml\.ts has no cells/],
    [['missing.ml.ts', '--to', 'md'], /cannot read .*missing\.ml\.ts/],
    [['ok.ml.ts', '--to', 'html', '-o', 'blocker/report.html'], /cannot write .*blocker\/report\.html/],
  ];
  for (const [args, message] of cases) {
    const io = capture(dir);
    assert.equal(runExportCommand(args, io), 1, args.join(' '));
    assert.match(io.err, message);
  }
  assert.throws(() => runExportCommand(['ok.ml.ts', '--to', 'pdf'], capture(dir)), /--to must be one of html, ipynb, md/);
  assert.throws(() => runExportCommand(['ok.ml.ts'], capture(dir)), /export needs --to/);
});
