// End-to-end test of the data-profile panel in a real VS Code (code-server) in real Chromium: with the flowers
// example and an experiment declaring a contract on its CSV, "mlts: Profile Data File" on examples/data/flowers.csv
// opens the panel with a card per column and the rows that break the contract; clicking a row opens the CSV at
// that line. A screenshot goes to test-results/. Needs the lead's wiring of `mlts.profileDataFile`
// (registerDataProfile in extension.ts, the command and menus in package.json) to pass.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, scratchWorkspace, withWorkbench } from './harness';

// A contract the example data breaks on purpose: sepal lengths above 7.5 (the CSV has some up to 8.1).
const CONTRACT_EXPERIMENT = `// Declares what data/flowers.csv must hold.
/** @data-contract { sepal_length: number 0..7.5, sepal_width: number, petal_length: number, petal_width: number, species: int in [0, 1, 2] } */
const csvPath = 'data/flowers.csv';
console.log(csvPath);
`;

test('Profile Data File opens the profile of flowers.csv with the rows that break its contract', async () => {
  const folder = scratchWorkspace('data-profile', { examples: ['data'], extra: { 'contract.ml.ts': CONTRACT_EXPERIMENT } });
  const csv = readFileSync(join(repoRoot, 'examples', 'data', 'flowers.csv'), 'utf8').split('\n');
  const broken = csv.flatMap((line, i) => (i > 0 && Number(line.split(',')[0]) > 7.5 ? [i + 1] : []));
  assert.ok(broken.length > 0, 'the example CSV should hold sepal lengths above 7.5');
  await withWorkbench({ name: 'data-profile', folder, trusted: true }, async ({ workbench }) => {
    await workbench.statusBarItem(/mlts/).waitFor({ state: 'visible' });
    await workbench.openFile('data/flowers.csv');
    await workbench.runCommand('mlts: Profile Data File');
    const view = workbench.webview();
    await view.locator('.column[data-column="species"]').waitFor({ state: 'visible' });
    assert.deepEqual(await view.locator('.column .name').allInnerTexts(), ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species']);
    assert.match(await view.locator('header .facts').innerText(), /150 rows · 5 columns/);
    const rows = await view.locator('table.violations a.line-link').evaluateAll((links) => links.map((a) => Number(a.getAttribute('data-line'))));
    assert.deepEqual(rows, broken);
    await workbench.screenshot('data-profile-flowers');
    // A row link opens the CSV at that line.
    await view.locator('table.violations a.line-link').first().click();
    await workbench.statusBarItem(new RegExp(`Ln ${broken[0]}, Col 1`)).first().waitFor({ state: 'visible' });
  });
});
