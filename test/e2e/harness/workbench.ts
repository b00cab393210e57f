// Drives a code-server workbench in Debian's headless Chromium through playwright-core: open files, run
// palette commands, read the Problems panel, notifications and the status bar, hover at a position, read a
// webview's document, and save screenshots into test-results/. Every wait is for a visible condition with a
// timeout that fails the test; there are no fixed sleeps.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.MLTS_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
export const RESULTS_DIR = resolve(__dirname, '..', '..', '..', 'test-results');
const DEFAULT_TIMEOUT = 30_000;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export class Workbench {
  private constructor(readonly page: Page) {}

  /** Opens the workbench at `url` and waits until it is interactive. */
  static async open(browser: Browser, url: string): Promise<Workbench> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(DEFAULT_TIMEOUT);
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    await page.locator('.statusbar').waitFor({ state: 'visible', timeout: 90_000 });
    return new Workbench(page);
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }

  /** A status bar item whose text matches. */
  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.statusbar-item').filter({ hasText: text });
  }

  private async quickPick(prefixKey: string, query: string, rowText: string | RegExp): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await this.page.keyboard.press(prefixKey);
    await input.waitFor({ state: 'visible' });
    await input.fill(query);
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: rowText }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
    await input.waitFor({ state: 'hidden' });
  }

  /** Runs a command from the palette by its title as shown there, for example `mlts: Run File as Script`. */
  async runCommand(title: string): Promise<void> {
    await this.quickPick('F1', `>${title}`, title);
  }

  /** Opens a workspace file by its relative path through Quick Open and waits for its editor. */
  async openFile(relativePath: string): Promise<void> {
    const name = relativePath.split('/').pop()!;
    await this.quickPick('Control+P', relativePath, name);
    await this.page.locator(`.tab[aria-label^="${name}"]`).first().waitFor({ state: 'visible' });
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
  }

  /** Moves the cursor to a 1-based line and column of the active editor. */
  async goToPosition(line: number, column: number): Promise<void> {
    await this.runCommand('View: Focus Active Editor Group');
    const input = this.page.locator('.quick-input-widget input');
    await this.page.keyboard.press('Control+G');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}:${column}`);
    await this.page.locator('.quick-input-widget').getByText(`line ${line}`, { exact: false }).first().waitFor({ state: 'visible' });
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
    await this.page.locator('.statusbar-item').filter({ hasText: `Ln ${line}, Col ${column}` }).first().waitFor({ state: 'visible' });
  }

  /** Shows the hover at a 1-based position and returns its text once it contains `expect`. */
  async hoverText(line: number, column: number, expect: string | RegExp): Promise<string> {
    await this.goToPosition(line, column);
    await this.runCommand('Show or Focus Hover');
    const hover = this.page.locator('.monaco-hover-content').filter({ hasText: expect }).first();
    await hover.waitFor({ state: 'visible' });
    return hover.innerText();
  }

  /** Opens the Problems panel and returns each row's text once a row matches `expect`. */
  async problems(expect: string | RegExp): Promise<string[]> {
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    await rows.filter({ hasText: expect }).first().waitFor({ state: 'visible' });
    return rows.allInnerTexts();
  }

  /** A CodeLens in the active editor whose title matches (the n-th such lens, from the top). */
  codeLens(title: RegExp, nth = 0): Locator {
    return this.page.locator('.monaco-editor .codelens-decoration a').filter({ hasText: title }).nth(nth);
  }

  /**
   * Clicks the n-th CodeLens (default the first) whose title matches. Monaco renders only what is in view, so
   * pass the 1-based line the lens sits above when it may be scrolled out of sight.
   */
  async clickCodeLens(title: RegExp, nth = 0, line?: number): Promise<void> {
    if (line !== undefined) await this.goToPosition(line, 1);
    const lens = this.codeLens(title, nth);
    await lens.waitFor({ state: 'visible' });
    await lens.click();
  }

  /** Toggles a breakpoint on a 1-based line of the active editor. */
  async toggleBreakpoint(line: number): Promise<void> {
    await this.goToPosition(line, 1);
    await this.runCommand('Debug: Toggle Breakpoint');
    await this.page.locator('.codicon-debug-breakpoint').first().waitFor({ state: 'visible' });
  }

  /** Waits until the debugger is paused with the top stack frame on a 1-based line of the active editor. */
  async pausedAtLine(line: number): Promise<void> {
    await this.page.locator('.debug-toolbar').waitFor({ state: 'visible' });
    // The Call Stack view shows the top frame as `file.ml.ts  4:19` (line:column).
    const frame = this.page.locator('.stack-frame .line-number').filter({ hasText: new RegExp(`^${line}:\\d+$`) }).first();
    await frame.waitFor({ state: 'visible' });
    await this.page.locator('.codicon-debug-stackframe').first().waitFor({ state: 'visible' });
  }

  /** A notification toast whose text matches. */
  notification(text: string | RegExp): Locator {
    return this.page.locator('.notification-toast').filter({ hasText: text });
  }

  /** The document inside the webview whose tab title matches (webviews nest two iframes). */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }

  /**
   * Text shown in the bottom panel (the Output, Problems or Terminal view that is open). Monaco renders spaces
   * as non-breaking spaces, so a string matches any whitespace between its words.
   */
  panelText(text: string): Locator {
    const words = text.trim().split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return this.page.locator('.part.panel').getByText(new RegExp(words.join('\\s+'))).first();
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const path = join(RESULTS_DIR, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}
