// `mlts export` as the real bundle (dist/cli.js), its files checked by the tools colleagues use: the notebook by
// Debian's nbformat (`nbformat.validate` against the 4.5 schema, cell text read back equal to the `.ml.ts` cells)
// and converted by `jupyter nbconvert --to html`; the HTML report opened in headless Chromium with the network
// off, where the outputs show, the image decodes to its pixels, the chart draws, and nothing but the file itself
// is requested. Needs `python3-nbformat` and `jupyter-nbconvert` (.ci/run installs them) and a build.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { parseCells } from '../../runtime/src/cells/cellParser';
import { markdownOfCell } from '../../runtime/src/export/exportDocument';
import { launchBrowser } from '../e2e/harness/workbench';
import { EXPERIMENT, seedExportWorkspace, type ExportWorkspace } from '../support/exportFixtures';
import { dist, repoRoot, runNode } from './processes';

/** Debian's Python, where apt puts nbformat (a pyenv or venv `python3` on PATH would not see it). */
const PYTHON = process.env.MLTS_PYTHON ?? '/usr/bin/python3';

let ws: ExportWorkspace;
let browser: Browser;

before(async () => {
  ws = seedExportWorkspace(join(repoRoot, 'test-results', 'integration', 'export'));
  for (const format of ['html', 'ipynb', 'md']) {
    const r = await runNode([dist('cli.js'), 'export', ws.file, '--to', format]);
    assert.equal(r.code, 0, r.stderr);
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

const VALIDATE = `
import json, sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(nb)
print(json.dumps({"minor": nb.nbformat_minor, "cells": [[c.id, c.cell_type, c.source, [o.output_type for o in c.get("outputs", [])]] for c in nb.cells]}))
`;

test('the notebook passes nbformat.validate and its cells read back as the .ml.ts cells', () => {
  const r = spawnSync(PYTHON, ['-c', VALIDATE, join(ws.dir, 'digits.ipynb')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const read = JSON.parse(r.stdout) as { minor: number; cells: [string, string, string, string[]][] };
  assert.equal(read.minor, 5);
  const expected = parseCells(EXPERIMENT).map((c) => [c.id, c.kind, c.kind === 'markdown' ? markdownOfCell(c.text) : c.text.trimEnd()]);
  assert.deepEqual(
    read.cells.map(([id, type, source]) => [id, type, source]),
    expected,
  );
  assert.deepEqual(read.cells.map((c) => c[3]), [[], ['stream', 'display_data', 'execute_result'], ['display_data', 'display_data'], ['stream', 'error']]);
});

test('jupyter nbconvert turns the notebook into HTML with the outputs', () => {
  const r = spawnSync('jupyter', ['nbconvert', '--to', 'html', join(ws.dir, 'digits.ipynb'), '--output', 'nbconvert-digits', '--output-dir', ws.dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const html = readFileSync(join(ws.dir, 'nbconvert-digits.html'), 'utf8');
  assert.match(html, /loaded 3/);
  assert.match(html, /data:image\/png;base64,/);
  assert.match(html, /<svg/);
  assert.match(html, /boom &lt;b&gt;/);
});

test('the HTML report shows its outputs in Chromium with the network off and requests nothing', async () => {
  const context = await browser.newContext({ offline: true });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  const url = pathToFileURL(join(ws.dir, 'digits.html')).href;
  await page.goto(url);
  await page.locator('img.mlts-image').waitFor();
  // Runs in the page (a string: this test is compiled without the DOM library): draws the image on a canvas to
  // read its pixels back, and collects what the reader sees.
  const seen = (await page.evaluate(`(() => {
    const img = document.querySelector('img.mlts-image');
    const canvas = document.createElement('canvas');
    canvas.width = 2;
    canvas.height = 2;
    const context2d = canvas.getContext('2d');
    context2d.drawImage(img, 0, 0, 2, 2);
    return {
      complete: img.complete,
      naturalWidth: img.naturalWidth,
      pixels: Array.from(context2d.getImageData(0, 0, 2, 2).data),
      chartPaths: document.querySelectorAll('svg.mlts-chart path').length,
      text: document.body.innerText,
      heading: document.querySelector('main h1')?.textContent,
    };
  })()`)) as { complete: boolean; naturalWidth: number; pixels: number[]; chartPaths: number; text: string; heading: string | undefined };
  assert.ok(seen.complete && seen.naturalWidth === 2, JSON.stringify(seen));
  assert.deepEqual(seen.pixels, [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]);
  assert.ok(seen.chartPaths >= 2, `the cell's loss chart and the runs' loss chart: ${seen.chartPaths}`);
  for (const text of ['loaded 3', 'Tensor [2, 3] float32', 'boom <b>', '<i>x</i>', 'Tracked runs', '20261205-100000-digits-abcdef']) assert.ok(seen.text.includes(text), text);
  assert.equal(seen.heading, 'Digits <demo>');
  assert.deepEqual(requests, [url]);
  await context.close();
});
