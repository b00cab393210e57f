// The streaming reader and profiler: a generated CSV with planted problems (each reported on its line, no clean
// row reported), statistics against values computed directly, records split across block boundaries, quoted
// fields, JSON, and bad input (empty, blank, mixed delimiters, ragged, Latin-1, UTF-16, unreadable) giving a
// clear message instead of an exception.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { binnedQuantiles, quantiles } from '../../runtime/src/data/columnStats';
import { profileDataFile, type DataProfile } from '../../runtime/src/data/dataProfile';
import { streamDataBytes } from '../../runtime/src/data/dataReader';
import { parseNumberBytes, sniffDelimiter } from '../../runtime/src/data/delimitedScanner';
import { ContractSink } from '../../runtime/src/data/contractSink';
import { parseContract } from '../../runtime/src/data/contract';
import type { RecordView } from '../../runtime/src/data/records';
import { DATA_DIR, PLANTED_CONTRACT, seeded, writeDataFile, writePlantedCsv } from './dataPlanted.test';

const column = (profile: DataProfile, name: string) => profile.profiles.find((c) => c.name === name)!;

test('the profile of a planted CSV names each planted row and no clean row', async () => {
  const file = writePlantedCsv('planted-profile.csv', 3000);
  const sink = new ContractSink(parseContract(PLANTED_CONTRACT).contract);
  const profile = await profileDataFile(file.path, { blockSize: 8192, headBytes: 8192, also: [sink] });
  assert.equal(profile.rows, 3000);
  assert.equal(profile.delimiter, ',');
  const length = column(profile, 'sepal_length');
  assert.equal(length.type, 'number');
  // The string in a numeric column, and the out-of-range value as the only outlier.
  assert.deepEqual(length.strays, { count: 1, rows: [{ line: file.stringInNumeric, value: 'five' }] });
  assert.equal(length.outliers?.method, 'iqr');
  assert.deepEqual(length.outliers?.rows, [{ line: file.outOfRange, value: '99.5' }]);
  assert.equal(length.outliers?.count, 1);
  // The missing label, and the ragged row, which has no label either.
  const species = column(profile, 'species');
  assert.equal(species.type, 'integer');
  assert.equal(species.missing, 2);
  assert.deepEqual(species.top.map((t) => t.value).sort(), ['0', '1', '2']);
  assert.deepEqual(
    profile.issues.map((i) => [i.kind, i.line]),
    [['ragged', file.ragged]],
  );
  assert.equal(profile.raggedRows, 1);
  for (const name of ['id', 'sepal_width']) {
    assert.equal(column(profile, name).strays.count, 0, name);
    assert.equal(column(profile, name).outliers?.count, 0, name);
  }
  // The contract sink saw the same pass.
  assert.deepEqual(
    sink.report.violations.map((v) => v.line).sort((a, b) => a - b),
    [file.stringInNumeric, file.missingLabel, file.outOfRange, file.ragged].sort((a, b) => a - b),
  );
});

test('statistics match a direct computation (mean, sample std, quartiles like numpy, histogram)', async () => {
  const random = seeded(3);
  const values = Array.from({ length: 5001 }, () => Math.round((random() * 100 - 20) * 1000) / 1000);
  const path = writeDataFile('stats.csv', `v\n${values.join('\n')}\n`);
  const profile = await profileDataFile(path, { blockSize: 1000, headBytes: 1000 });
  const v = column(profile, 'v');
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => {
    const pos = (sorted.length - 1) * p;
    const k = Math.floor(pos);
    return sorted[k]! + (sorted[Math.min(k + 1, sorted.length - 1)]! - sorted[k]!) * (pos - k);
  };
  assert.ok(Math.abs(v.numeric!.mean - mean) < 1e-9);
  assert.ok(Math.abs(v.numeric!.std - std) < 1e-9);
  assert.deepEqual([v.numeric!.min, v.numeric!.max], [sorted[0], sorted.at(-1)]);
  for (const [got, p] of [[v.numeric!.q1, 0.25], [v.numeric!.median, 0.5], [v.numeric!.q3, 0.75]] as const) assert.ok(Math.abs(got - q(p)) < 1e-9, `q${p}`);
  assert.equal(v.histogram!.counts.reduce((a, b) => a + b, 0), values.length);
  assert.equal(v.histogram!.counts.length, 20);
  // Even-length quantiles interpolate.
  assert.deepEqual(quantiles(new Float64Array([4, 1, 3, 2]), [0.25, 0.5, 0.75]), [1.75, 2.5, 3.25]);
});

test('binned quantiles equal selection on the sorted values, with ties, NaN gaps and a far outlier', () => {
  const random = seeded(11);
  const cases: number[][] = [
    Array.from({ length: 1001 }, () => random()),
    Array.from({ length: 1000 }, () => Math.floor(random() * 5)),
    [...Array.from({ length: 500 }, () => random()), 1e12],
    [3],
    [2, 1],
  ];
  for (const values of cases) {
    const withGaps = new Float64Array(values.length * 2).fill(NaN);
    values.forEach((v, i) => (withGaps[i * 2] = v));
    const expected = quantiles(Float64Array.from(values), [0.1, 0.25, 0.5, 0.75, 0.99]);
    const got = binnedQuantiles(withGaps, values.length, Math.min(...values), Math.max(...values), [0.1, 0.25, 0.5, 0.75, 0.99]);
    assert.deepEqual(got, expected, `${values.length} values`);
  }
});

test('numbers parse from bytes exactly as Number does, and other text is not a number', () => {
  const cases = ['0', '-0', '5.1', '-12.75', '+3', '.5', '1.', '007', '1e3', '-2.5E-3', '123456789012345678', '0.1234567890123456789', ' 42 ', '3.14159'];
  for (const text of cases) assert.equal(parseNumberBytes(Buffer.from(text), 0, text.length), Number(text), text);
  for (const text of ['', ' ', '-', '.', 'abc', '1-2', '1e', '0x10', '1,5', 'NaN', 'Infinity', '5 6']) {
    assert.ok(Number.isNaN(parseNumberBytes(Buffer.from(text), 0, text.length)), text);
  }
});

/** Collects records as arrays of text, for the reader tests. */
function collect(name: string, content: string | Uint8Array, blockSize = 7) {
  const rows: { line: number; fields: string[] }[] = [];
  let header: string[] = [];
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  const summary = streamDataBytes(name, bytes, {
    header: (columns) => (header = columns),
    record: (row: RecordView) => rows.push({ line: row.line, fields: Array.from({ length: row.count }, (_, i) => row.text(i)) }),
  }, { blockSize, headBytes: blockSize });
  return { header, rows, summary };
}

test('records split across tiny blocks: quotes, escaped quotes, line breaks in quotes, CRLF, blank lines, no final newline', () => {
  const csv = 'name,"note, with comma",n\r\n"Smith, J","said ""hi""",1\r\n\r\nLee,"two\nlines",2\r\nKim,,3';
  for (const blockSize of [1, 2, 3, 7, 64]) {
    const { header, rows, summary } = collect('q.csv', csv, blockSize);
    assert.deepEqual(header, ['name', 'note, with comma', 'n'], `block ${blockSize}`);
    assert.deepEqual(rows, [
      { line: 2, fields: ['Smith, J', 'said "hi"', '1'] },
      { line: 4, fields: ['Lee', 'two\nlines', '2'] },
      { line: 6, fields: ['Kim', '', '3'] },
    ], `block ${blockSize}`);
    assert.deepEqual(summary.issues, [], `block ${blockSize}`);
  }
});

test('UTF-8 split across blocks stays UTF-8; a BOM is skipped', () => {
  const { header, rows, summary } = collect('u.csv', '\uFEFFcity,n\nZürich,1\n東京,2\n', 3);
  assert.deepEqual(header, ['city', 'n']);
  assert.deepEqual(rows.map((r) => r.fields[0]), ['Zürich', '東京']);
  assert.equal(summary.encoding, 'utf-8-bom');
  assert.deepEqual(summary.issues, []);
});

test('the delimiter is sniffed: tabs, semicolons, pipes, and commas inside quotes do not count', () => {
  assert.equal(sniffDelimiter('a\tb\tc\n1\t2\t3\n').delimiter, '\t');
  assert.equal(sniffDelimiter('a;b;c\n"1,5";2;3\n').delimiter, ';');
  assert.equal(sniffDelimiter('a|b\n1|2\n').delimiter, '|');
  assert.equal(sniffDelimiter('"x,y",b\n1,2\n').delimiter, ',');
  assert.equal(sniffDelimiter('single\n1\n', 'f.tsv').delimiter, '\t');
});

const BAD_INPUT: { name: string; content: string | Uint8Array; issue: RegExp; kind: string; rows?: number }[] = [
  { name: 'empty.csv', content: '', issue: /empty \(0 bytes\)/, kind: 'empty', rows: 0 },
  { name: 'blank.csv', content: '\n\n  \n', issue: /no header or records|has 1 field/, kind: 'empty' },
  { name: 'mixed.csv', content: 'a,b,c\n1,2,3\n4;5;6\n7,8,9\n', issue: /Mixed delimiters: the file uses commas, but line 3 uses semicolons/, kind: 'mixed-delimiters', rows: 3 },
  { name: 'ragged.csv', content: 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n', issue: /Line 3 has 2 fields; the header has 3/, kind: 'ragged', rows: 3 },
  { name: 'latin1.csv', content: Buffer.from('name,n\nJos\xe9,1\nM\xfcller,2\n', 'latin1'), issue: /not valid UTF-8 \(byte 0xe9 at offset 10, line 2\); it looks like Latin-1/, kind: 'encoding', rows: 2 },
  { name: 'utf16.csv', content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')]), issue: /UTF-16 LE/, kind: 'encoding', rows: 1 },
  { name: 'utf16-nobom.csv', content: Buffer.from('a,b\n1,2\n3,4\n', 'utf16le'), issue: /looks like UTF-16 LE/, kind: 'encoding', rows: 2 },
  { name: 'unclosed.csv', content: 'a,b\n1,"open\n2,3\n', issue: /quoted field is never closed \(from line 2\)/, kind: 'quote', rows: 1 },
  { name: 'broken.json', content: '[{"a": 1}, {"a": }, {"a": 3}]', issue: /not valid JSON/, kind: 'json', rows: 2 },
];

test('bad input gives a clear message, never an exception', async () => {
  for (const { name, content, issue, kind, rows } of BAD_INPUT) {
    const path = writeDataFile(name, content);
    const profile = await profileDataFile(path, { blockSize: 5 });
    assert.ok(profile.issues.some((i) => i.kind === kind && issue.test(i.message)), `${name}: ${JSON.stringify(profile.issues)}`);
    if (rows !== undefined) assert.equal(profile.rows, rows, name);
  }
  const latin = await profileDataFile(join(DATA_DIR, 'latin1.csv'));
  assert.deepEqual(latin.profiles[0]!.top.map((t) => t.value).sort(), ['José', 'Müller']);
  const utf16 = await profileDataFile(join(DATA_DIR, 'utf16.csv'));
  assert.deepEqual(utf16.columns, ['a', 'b']);
});

test('unreadable files: missing, a folder', async () => {
  const missing = await profileDataFile(join(DATA_DIR, 'does-not-exist.csv'));
  assert.equal(missing.failed, true);
  assert.match(missing.issues[0]!.message, /does-not-exist\.csv: no such file/);
  const folder = join(DATA_DIR, 'a-folder.csv');
  mkdirSync(folder, { recursive: true });
  const dir = await profileDataFile(folder);
  assert.equal(dir.failed, true);
  assert.match(dir.issues[0]!.message, /is a folder/);
});

test('a Latin-1 byte far into a file is found in a later block, with its line', async () => {
  const lines = ['name,n'];
  for (let i = 0; i < 2000; i++) lines.push(`row${i},${i}`);
  const path = writeDataFile('late-latin1.csv', Buffer.concat([Buffer.from(lines.join('\n') + '\n'), Buffer.from('Caf\xe9,1\n', 'latin1')]));
  const profile = await profileDataFile(path, { blockSize: 4096 });
  const encoding = profile.issues.find((i) => i.kind === 'encoding');
  assert.match(encoding?.message ?? '', /line 2002\); it looks like Latin-1/);
  assert.equal(profile.rows, 2001);
  assert.ok(profile.profiles[0]!.top.length > 0);
});

test('JSON: an array of objects and JSON Lines, with lines, types and missing values', async () => {
  const array = writeDataFile('records.json', '[\n  {"x": 1.5, "label": "cat"},\n  {"x": null, "label": "dog"},\n  {"x": "oops", "label": "cat", "extra": true}\n]\n');
  const profile = await profileDataFile(array, { blockSize: 4 });
  assert.equal(profile.format, 'json');
  assert.deepEqual(profile.columns, ['x', 'label', 'extra']);
  assert.equal(profile.rows, 3);
  const x = column(profile, 'x');
  assert.equal(x.missing, 1);
  assert.deepEqual(x.strays.rows, [{ line: 4, value: 'oops' }]);
  assert.deepEqual(column(profile, 'label').top, [{ value: 'cat', count: 2 }, { value: 'dog', count: 1 }]);
  const lines = writeDataFile('records.jsonl', '{"a": 1}\n{"a": 2}\n\n{"a": 30}\n');
  const jsonl = await profileDataFile(lines);
  assert.deepEqual(column(jsonl, 'a').numeric?.max, 30);
  assert.equal(jsonl.rows, 3);
});

test('progress is reported per block and reaches the file size; a signal cancels', async () => {
  const file = writePlantedCsv('planted-progress.csv', 6000);
  const seen: number[] = [];
  const profile = await profileDataFile(file.path, { blockSize: 4096, onProgress: (read, total) => seen.push(read / total) });
  assert.ok(seen.length > 5);
  assert.equal(seen.at(-1), 1);
  assert.deepEqual([...seen].sort((a, b) => a - b), seen);
  assert.equal(profile.sampled, false);
  const controller = new AbortController();
  const cancelled = await profileDataFile(file.path, { blockSize: 4096, signal: controller.signal, onProgress: () => controller.abort() });
  assert.equal(cancelled.cancelled, true);
  assert.ok(cancelled.rows < 6000);
});

test('outlier rows keep their file lines across blank lines and multi-line records, and in reservoir mode', async () => {
  const lines = ['v,note'];
  for (let i = 0; i < 400; i++) {
    if (i === 50) lines.push('');
    if (i === 100) lines.push('5,"two', 'lines"');
    else if (i === 300) lines.push('1000,far');
    else lines.push(`${5 + (i % 7) / 10},x`);
  }
  const path = writeDataFile('outlier-lines.csv', lines.join('\n') + '\n');
  const farLine = lines.indexOf('1000,far') + 1;
  for (const maxStored of [undefined, 50]) {
    const profile = await profileDataFile(path, { maxStored });
    const v = column(profile, 'v');
    assert.equal(v.sampledQuantiles, maxStored !== undefined);
    if (maxStored === undefined) assert.deepEqual(v.outliers?.rows, [{ line: farLine, value: '1000' }]);
    else assert.ok(v.outliers!.rows.every((r) => r.line !== farLine || r.value === '1000'));
    assert.equal(v.numeric?.max, 1000);
  }
});

test('wide files: records with hundreds of fields', () => {
  const header = Array.from({ length: 300 }, (_, i) => `c${i}`).join(',');
  const row = Array.from({ length: 300 }, (_, i) => String(i / 4)).join(',');
  const { header: names, rows } = collect('wide.csv', `${header}\n${row}\n${row}\n`, 64);
  assert.equal(names.length, 300);
  assert.deepEqual(rows.map((r) => [r.fields.length, r.fields[299]]), [[300, '74.75'], [300, '74.75']]);
});

test('a record that never ends stops the read with a message (an unclosed quote in a big file)', async () => {
  const body = Buffer.alloc(20 * 2 ** 20, 'x,1\n');
  const path = writeDataFile('never-ends.csv', Buffer.concat([Buffer.from('a,b\n"open,1\n'), body]));
  const profile = await profileDataFile(path);
  assert.ok(profile.issues.some((i) => /longer than 16 MiB without ending \(an unclosed quote/.test(i.message)), JSON.stringify(profile.issues));
  assert.equal(profile.cancelled, true);
});
