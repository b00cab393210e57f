// End-to-end tests of the foundation in a real VS Code (code-server) in real Chromium: mlts activates on a
// `.ml.ts` file and says so in the status bar; in an untrusted workspace it refuses to run user code, while
// the same command in a trusted workspace does run it (so the trust test can fail); `npm start` serves a
// working workbench with mlts installed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, launchBrowser, repoRoot, scratchWorkspace, withWorkbench, Workbench } from './harness';

/** A script whose only effect is a marker file, so a test can tell whether it ran. */
const PROBE = `// %%
import { writeFileSync } from 'node:fs';
writeFileSync('probe-ran.txt', 'ran');
console.log('probe ran');
`;

test('opening an example .ml.ts activates mlts (status bar item)', async () => {
  const folder = scratchWorkspace('activation', { examples: ['mnist-convnet.ml.ts'] });
  await withWorkbench({ name: 'activation', folder, trusted: true }, async ({ workbench }) => {
    await workbench.openFile('mnist-convnet.ml.ts');
    const item = workbench.statusBarItem(/mlts/);
    await item.waitFor({ state: 'visible' });
    assert.doesNotMatch(await item.innerText(), /restricted/);
    await workbench.screenshot('activation');
  });
});

test('in an untrusted workspace mlts runs no user code', async () => {
  const folder = scratchWorkspace('untrusted', { extra: { 'probe.ml.ts': PROBE } });
  await withWorkbench({ name: 'untrusted', folder, trusted: false }, async ({ workbench }) => {
    await workbench.openFile('probe.ml.ts');
    await workbench.statusBarItem(/mlts \(restricted\)/).waitFor({ state: 'visible' });
    await workbench.runCommand('mlts: Run File as Script');
    await workbench.notification(/runs no code in an untrusted workspace/).waitFor({ state: 'visible' });
    await workbench.screenshot('untrusted-refuses-to-run');
    assert.equal(existsSync(join(folder, 'probe-ran.txt')), false, 'the probe script must not have run');
  });
});

test('in a trusted workspace the same command runs the file', async () => {
  const folder = scratchWorkspace('trusted-run', { extra: { 'probe.ml.ts': PROBE } });
  await withWorkbench({ name: 'trusted-run', folder, trusted: true }, async ({ workbench }) => {
    await workbench.openFile('probe.ml.ts');
    await workbench.statusBarItem(/mlts/).waitFor({ state: 'visible' });
    await workbench.runCommand('mlts: Run File as Script');
    await workbench.panelText('finished in').waitFor({ state: 'visible' });
    await workbench.panelText('probe ran').waitFor({ state: 'visible' });
    assert.equal(existsSync(join(folder, 'probe-ran.txt')), true, 'the probe script should have run');
    await workbench.screenshot('trusted-run-output');
  });
});

test('npm start serves a workbench with mlts installed and examples open', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts', 'start.ts'), '--port', String(port)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start printed no URL within 120 s:\n${printed}`)), 120_000);
      child.stdout.on('data', () => {
        const match = /at (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(printed);
        if (match && /Press Ctrl\+C to stop/.test(printed)) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`start exited with ${code}:\n${printed}`)));
    });
    assert.match(printed, /code --install-extension .*mlts\.vsix/);
    const browser = await launchBrowser();
    try {
      const workbench = await Workbench.open(browser, url);
      await workbench.openFile('flowers-tabular.ml.ts');
      await workbench.statusBarItem(/mlts/).waitFor({ state: 'visible' });
      await workbench.screenshot('npm-start');
    } finally {
      await browser.close();
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});
