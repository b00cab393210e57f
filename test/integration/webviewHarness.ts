// Drives a webview bundle (dist/webviews/*.js) in real headless Chromium the way VS Code hosts it, for the
// panels' UI tests: the page gets the panel's stylesheet, an `acquireVsCodeApi` stub that records what the panel
// posts and keeps its state like VS Code's webview API, then the bundle; `open` resolves once the panel said
// `ready`. `send` delivers host messages as VS Code does (window messages) and waits until the panel handled them.
import { readFileSync } from 'node:fs';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/harness/workbench';
import { dist, repoRoot } from './processes';

/** A string: functions compiled by tsx call a helper (`__name`) that the page does not have. */
const VSCODE_API_STUB = `
  window.posted = [];
  let saved;
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => saved, setState: (s) => { saved = s; } });
`;

export interface WebviewSuite {
  open(viewport: { width: number; height: number }): Promise<Page>;
}

/** Starts one browser for the test file (before/after hooks) and opens pages of `bundle` styled by `stylesheet`. */
export function webviewSuite(bundle: string, stylesheet: string): WebviewSuite {
  let browser: Browser;
  const script = readFileSync(dist(`webviews/${bundle}`), 'utf8');
  const css = readFileSync(`${repoRoot}/media/${stylesheet}`, 'utf8');
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  return {
    async open(viewport) {
      const page = await browser.newPage({ viewport });
      page.setDefaultTimeout(10_000);
      await page.setContent(`<!doctype html><html><head><style>${css}</style></head><body></body></html>`);
      // Init scripts do not run for setContent's page, so the stub is installed before the panel's script is added.
      await page.addScriptTag({ content: VSCODE_API_STUB });
      await page.addScriptTag({ content: script, type: 'module' });
      await page.waitForFunction("window.posted.some((m) => m.type === 'ready')");
      return page;
    },
  };
}

/** Sends host messages to the panel; resolves once it has handled them. */
export async function send(page: Page, ...messages: unknown[]): Promise<void> {
  for (const message of messages) await page.evaluate(`window.postMessage(${JSON.stringify(message)}, '*')`);
  // postMessage is delivered as a task: one more round trip makes sure the panel handled it.
  await page.evaluate('new Promise((resolve) => setTimeout(resolve, 0))');
}

/** Everything the panel has posted to its host so far. */
export function posted<T>(page: Page): Promise<T[]> {
  return page.evaluate('window.posted') as Promise<T[]>;
}
