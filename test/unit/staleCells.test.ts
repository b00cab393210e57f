// Table-driven tests of the stale-cell model: edits, upstream re-runs, transitive staleness, restarts, and
// the warnings before running a cell on values from never-run or stale cells.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeCellDependencies } from '../../runtime/src/cells/cellDependencies';
import { StaleModel, type CellText } from '../../extension/src/cells/staleCells';

const cells = (...texts: string[]): CellText[] => texts.map((text, i) => ({ id: `cell-${i}`, text }));
const FILE = cells('const a = 1;', 'const b = a + 1;', 'const c = b * 2;', 'console.log("independent");');

function ranAll(model = new StaleModel(analyzeCellDependencies)): StaleModel {
  FILE.forEach((c) => model.recordRun(c.id, c.text));
  return model;
}

test('nothing is stale right after running every cell in order', () => {
  assert.deepEqual([...ranAll().staleCells(FILE).keys()], []);
});

test('editing a cell after it ran makes it stale, and its dependents too', () => {
  const edited = cells('const a = 2;', FILE[1]!.text, FILE[2]!.text, FILE[3]!.text);
  const stale = ranAll().staleCells(edited);
  assert.deepEqual(stale.get('cell-0'), { kind: 'edited' });
  assert.deepEqual(stale.get('cell-1'), { kind: 'upstream', cellId: 'cell-0', names: ['a'] });
  assert.deepEqual(stale.get('cell-2'), { kind: 'upstream', cellId: 'cell-1', names: ['b'] });
  assert.equal(stale.has('cell-3'), false, 'an independent cell stays fresh');
});

test('re-running an upstream cell makes its dependents stale until they run again', () => {
  const model = ranAll();
  model.recordRun('cell-0', FILE[0]!.text);
  assert.deepEqual([...model.staleCells(FILE).keys()], ['cell-1', 'cell-2']);
  model.recordRun('cell-1', FILE[1]!.text);
  assert.deepEqual([...model.staleCells(FILE).keys()], ['cell-2']);
  model.recordRun('cell-2', FILE[2]!.text);
  assert.deepEqual([...model.staleCells(FILE).keys()], []);
});

test('cells that never ran are not stale, and a reset forgets every run', () => {
  const model = new StaleModel(analyzeCellDependencies);
  model.recordRun('cell-1', FILE[1]!.text);
  assert.deepEqual([...model.staleCells(FILE).keys()], []);
  model.reset();
  assert.equal(model.hasRun('cell-1'), false);
});

test('running a cell whose upstream never ran or is stale warns with the names it reads', () => {
  const model = new StaleModel(analyzeCellDependencies);
  assert.deepEqual(model.warningsBefore('cell-2', FILE), [{ cellId: 'cell-1', names: ['b'], problem: 'never ran' }]);
  ranAll(model);
  const edited = cells('const a = 1;', 'const b = a + 100;', FILE[2]!.text, FILE[3]!.text);
  assert.deepEqual(model.warningsBefore('cell-2', edited), [{ cellId: 'cell-1', names: ['b'], problem: 'stale' }]);
  assert.deepEqual(model.warningsBefore('cell-1', edited), []);
});
