// End-to-end cell round trip in a real VS Code (code-server 4.100.3) in headless Chromium: from pressing
// Ctrl+Enter on a trivial cell (`n++`) to its new value shown in the output webview, median of many runs.
// The anchor is what VS Code's Jupyter extension logs for a trivial cell (16–25 ms); the measured time also
// contains the browser's input and rendering, and playwright noticing the change.
// Run: npm run package && npm run bench -- cell-end-to-end
import { scratchWorkspace, launchBrowser, startCodeServer, VSIX, Workbench } from '../test/e2e/harness';
import { median, quantile } from './stats';

const RUNS = Number(process.env.MLTS_BENCH_RUNS ?? 40);
const CELLS = `// %% Counter
let n = 0;
// %% Trivial
n++;
`;

export async function benchCellEndToEnd(): Promise<unknown> {
  const folder = scratchWorkspace('bench-cell-e2e', { extra: { 'bench.ml.ts': CELLS } });
  const server = await startCodeServer({ folder, vsix: VSIX, trusted: true });
  const browser = await launchBrowser();
  try {
    const workbench = await Workbench.open(browser, server.folderUrl);
    await workbench.openFile('bench.ml.ts');
    await workbench.clickCodeLens(/Run Cell/, 0);
    await workbench.clickCodeLens(/Run Cell/, 1);
    const output = workbench.webview();
    await output.getByText('→ 0').first().waitFor({ state: 'visible' });
    await workbench.goToPosition(4, 1);
    const times: number[] = [];
    for (let i = 1; i <= RUNS; i++) {
      const started = performance.now();
      await workbench.page.keyboard.press('Control+Enter');
      await output.getByText(`→ ${i}`, { exact: false }).first().waitFor({ state: 'visible' });
      times.push(performance.now() - started);
    }
    const result = { runs: RUNS, medianMs: median(times), p95Ms: quantile(times, 0.95), anchorVsCodeJupyterMs: [16, 25] };
    console.log(`end-to-end trivial cell in code-server: median ${result.medianMs.toFixed(1)} ms, p95 ${result.p95Ms.toFixed(1)} ms (n=${RUNS}); ratio to the 16 ms anchor ${(result.medianMs / 16).toFixed(2)}`);
    return result;
  } finally {
    await browser.close();
    await server.stop();
  }
}
