// The data-profile webview protocol: the guard on what the webview sends (the extension acts on it), the state
// reducer both sides apply, and the number formats the panel shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applyProfileMessage,
  formatBytes,
  formatStat,
  initialProfileState,
  isFromProfileWebview,
  isToProfileWebview,
  type DataProfile,
} from '../../webviews/src/profileProtocol';

test('isFromProfileWebview accepts the four messages and rejects anything else', () => {
  const valid = [{ type: 'ready' }, { type: 'refresh' }, { type: 'openLine', line: 12 }, { type: 'openSource', file: '/w/a.ml.ts', line: 0 }];
  for (const m of valid) assert.equal(isFromProfileWebview(m), true, JSON.stringify(m));
  const invalid: unknown[] = [
    null,
    'ready',
    [],
    { type: 'openLine' },
    { type: 'openLine', line: 0 },
    { type: 'openLine', line: 1.5 },
    { type: 'openLine', line: '3' },
    { type: 'openSource', file: '', line: 1 },
    { type: 'openSource', file: '/a', line: -1 },
    { type: 'runCode', code: 'x' },
  ];
  for (const m of invalid) assert.equal(isFromProfileWebview(m), false, JSON.stringify(m));
  assert.equal(isToProfileWebview({ type: 'progress', bytesRead: 1, totalBytes: 2 }), true);
  assert.equal(isToProfileWebview({ type: 'openLine' }), false);
});

test('the reducer: progress, then the profile, or a failure', () => {
  let state = initialProfileState('/w/data.csv');
  state = applyProfileMessage(state, { type: 'progress', bytesRead: 50, totalBytes: 200 });
  assert.deepEqual([state.status, state.bytesRead, state.totalBytes], ['loading', 50, 200]);
  const profile = { failed: false, bytesRead: 200, bytes: 200, issues: [], profiles: [] } as unknown as DataProfile;
  state = applyProfileMessage(state, { type: 'profile', profile, contractNote: 'none' });
  assert.deepEqual([state.status, state.bytesRead, state.contractNote, state.message], ['done', 200, 'none', undefined]);
  const failed = { ...profile, failed: true, issues: [{ kind: 'unreadable', message: 'data.csv: no such file' }] } as DataProfile;
  assert.deepEqual([applyProfileMessage(state, { type: 'profile', profile: failed }).status, applyProfileMessage(state, { type: 'profile', profile: failed }).message], ['failed', 'data.csv: no such file']);
  assert.equal(applyProfileMessage(state, { type: 'failed', message: 'boom' }).status, 'failed');
  assert.deepEqual(applyProfileMessage(state, { type: 'reset', state: initialProfileState('/x') }), initialProfileState('/x'));
});

test('formatStat and formatBytes', () => {
  const stats: [number | undefined, string][] = [
    [undefined, '—'],
    [NaN, '—'],
    [1500, '1,500'],
    [5.8453, '5.845'],
    [0.00012, '1.200e-4'],
    [1234567.5, '1.235e+6'],
    [0, '0'],
  ];
  for (const [value, text] of stats) assert.equal(formatStat(value), text, String(value));
  assert.deepEqual([formatBytes(1), formatBytes(999), formatBytes(2800), formatBytes(40_200_000)], ['1 byte', '999 bytes', '2.8 KB', '40 MB']);
});
