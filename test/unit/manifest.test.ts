// Checks that package.json and extension/src/constants.ts agree: every command the code registers is
// contributed (so it shows in the palette), every contributed command is registered, settings match, and
// the manifest keeps the promises the design makes (engine range, activation, untrusted-workspace support).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Commands, Settings } from '../../extension/src/constants';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));

test('every command constant is contributed, and every contributed command is a constant', () => {
  const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
  assert.deepEqual(contributed, Object.values(Commands).sort());
});

test('every setting constant is contributed', () => {
  const properties = Object.keys(manifest.contributes.configuration.properties).sort();
  const constants = Object.entries(Settings)
    .filter(([key]) => key !== 'section')
    .map(([, value]) => value)
    .sort();
  assert.deepEqual(properties, constants);
});

test('the manifest targets VS Code ^1.100.0 and points main at the bundle', () => {
  assert.equal(manifest.name, 'mlts');
  assert.equal(manifest.engines.vscode, '^1.100.0');
  assert.equal(manifest.main, './dist/extension.js');
  assert.equal(manifest.devDependencies['@types/vscode'], '1.100.0');
});

test('untrusted workspaces are supported in limited mode, and the description says no code runs', () => {
  const untrusted = manifest.capabilities.untrustedWorkspaces;
  assert.equal(untrusted.supported, 'limited');
  assert.match(untrusted.description, /never executes/);
  assert.match(manifest.description, /never executes/);
});

test('activation is limited to .ml.ts workspaces, TypeScript files, restored output panels and mlts commands', () => {
  assert.deepEqual(manifest.activationEvents, ['workspaceContains:**/*.ml.ts', 'onLanguage:typescript', 'onWebviewPanel:mlts.cellOutput', 'onTaskType:mlts-run', 'onWebviewPanel:mlts.dashboard', 'onWebviewPanel:mlts.launcher', 'onWebviewPanel:mlts.dataProfile']);
});

test('cell keybindings apply only in .ml.ts editors', () => {
  const bindings = manifest.contributes.keybindings as { command: string; key: string; when: string }[];
  const byKey = new Map(bindings.map((b) => [b.key, b]));
  assert.equal(byKey.get('shift+enter')?.command, Commands.runCellAndAdvance);
  assert.equal(byKey.get('ctrl+enter')?.command, Commands.runCell);
  for (const binding of bindings) assert.match(binding.when, /resourceFilename =~ \/\\\.ml\\\.ts\$\//);
});
