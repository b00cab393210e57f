// Runs the in-editor smoke test under desktop VS Code with @vscode/test-electron, for machines that can download
// VS Code (this repository's CI cannot, so `npm test` uses code-server instead; see test/e2e). Usage:
//   npm run build && npx tsx test/electron/runTests.ts
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..');
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(__dirname, 'suite.cjs'),
    launchArgs: [join(root, 'examples'), '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((err) => {
  console.error(`test-electron: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
