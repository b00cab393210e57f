// The end-to-end harness later tests reuse: a real code-server with mlts installed, driven in real Chromium.
// `withWorkbench` starts both, opens the folder, and always cleans up, saving a screenshot when a test fails.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { repoRoot, startCodeServer, type CodeServerOptions, type RunningCodeServer } from '../../../scripts/codeServer';
import { launchBrowser, RESULTS_DIR, Workbench } from './workbench';

export { Workbench, launchBrowser, RESULTS_DIR } from './workbench';
export { startCodeServer, freePort, repoRoot } from '../../../scripts/codeServer';

export const VSIX = join(repoRoot, 'out', 'mlts.vsix');

/**
 * Makes a scratch workspace under test-results/workspaces (inside the repository, so `@tensorflow/tfjs`
 * resolves from the repository's node_modules) holding copies of the given examples plus extra files.
 */
export function scratchWorkspace(name: string, files: { examples?: string[]; extra?: Record<string, string> } = {}): string {
  const dir = join(RESULTS_DIR, 'workspaces', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const example of files.examples ?? []) cpSync(join(repoRoot, 'examples', example), join(dir, example), { recursive: true });
  for (const [path, text] of Object.entries(files.extra ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export interface Session {
  server: RunningCodeServer;
  browser: Browser;
  workbench: Workbench;
}

/** Starts code-server and Chromium on `folder`, runs `body`, and tears both down. */
export async function withWorkbench(
  options: Omit<CodeServerOptions, 'vsix'> & { name: string },
  body: (session: Session) => Promise<void>,
): Promise<void> {
  const server = await startCodeServer({ vsix: VSIX, ...options });
  const browser = await launchBrowser();
  let workbench: Workbench | undefined;
  try {
    workbench = await Workbench.open(browser, server.folderUrl);
    await body({ server, browser, workbench });
  } catch (err) {
    if (workbench) await workbench.screenshot(`${options.name}-failure`).catch(() => undefined);
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- code-server log (tail) ---\n${server.logs().slice(-4000)}`);
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}
