// Generated data files with planted problems, shared by the data-contract and data-profile tests: clean rows
// from a seeded generator, then one row per kind of problem at a known line. The tests hold the checkers to
// reporting exactly the planted lines: every one of them, and no clean row. (A test file so that it runs
// itself: the last test checks the generator.)
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { mulberry32 } from '../../runtime/src/runner/seededRandom';

export const DATA_DIR = resolve(__dirname, '..', '..', 'test-results', 'data');

export const PLANTED_CONTRACT = '{ id: int, sepal_length: number 0..10, sepal_width: number 0..10, species: int in [0, 1, 2] }';

export interface PlantedFile {
  path: string;
  /** Data rows (the header excluded). */
  rows: number;
  /** 1-based lines of each planted problem. */
  stringInNumeric: number;
  missingLabel: number;
  outOfRange: number;
  ragged: number;
}

/** A small deterministic generator. */
export const seeded = mulberry32;

/** Writes `rows` rows of flower-like data with four planted problems; clean values stay well inside the IQR fences. */
export function writePlantedCsv(name: string, rows = 3000, lineEnd = '\n'): PlantedFile {
  mkdirSync(DATA_DIR, { recursive: true });
  const random = seeded(7);
  const planted = { stringInNumeric: 11, missingLabel: Math.floor(rows / 3), outOfRange: Math.floor(rows / 2), ragged: rows - 10 };
  const lines = ['id,sepal_length,sepal_width,species'];
  for (let i = 0; i < rows; i++) {
    const line = i + 2;
    const length = (5 + random() * 2).toFixed(2);
    const width = (2.5 + random()).toFixed(2);
    const species = String(Math.floor(random() * 3));
    if (line === planted.stringInNumeric) lines.push(`${i},five,${width},${species}`);
    else if (line === planted.missingLabel) lines.push(`${i},${length},${width},`);
    else if (line === planted.outOfRange) lines.push(`${i},99.5,${width},${species}`);
    else if (line === planted.ragged) lines.push(`${i},${length},${width}`);
    else lines.push(`${i},${length},${width},${species}`);
  }
  const path = join(DATA_DIR, name);
  writeFileSync(path, lines.join(lineEnd) + lineEnd);
  return { path, rows, ...planted };
}

export function writeDataFile(name: string, content: string | Uint8Array): string {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = join(DATA_DIR, name);
  writeFileSync(path, content);
  return path;
}

// The generator itself: the planted lines hold what their names say, so the other tests' expectations mean something.
test('the planted CSV has its problems on the lines it names', () => {
  const file = writePlantedCsv('planted-generator.csv', 300);
  const lines = readFileSync(file.path, 'utf8').split('\n');
  assert.equal(lines.length - 2, 300);
  assert.match(lines[file.stringInNumeric - 1]!, /,five,/);
  assert.match(lines[file.missingLabel - 1]!, /,$/);
  assert.match(lines[file.outOfRange - 1]!, /,99\.5,/);
  assert.equal(lines[file.ragged - 1]!.split(',').length, 3);
});
