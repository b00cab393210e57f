// Data contracts: the parser (a table of valid and invalid contracts), one cell against a rule, finding contracts
// in source text, the full run-time validation of a generated CSV with planted problems (every planted row
// reported, no clean row), and the static sample check's diagnostics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ShapeDiagnostic } from '../../server/src/analysis/api';
import { checkCell, formatContract, parseContract, type ColumnRule } from '../../runtime/src/data/contract';
import { checkDataContracts, type ContractDiagnostic, type DataFileReader } from '../../runtime/src/data/contractCheck';
import { findDataContracts } from '../../runtime/src/data/contractSource';
import { formatValidation, validateDataFile, validateDeclaredContracts } from '../../runtime/src/data/validate';
import { PLANTED_CONTRACT, writeDataFile, writePlantedCsv } from './dataPlanted.test';

// A contract diagnostic is a ShapeDiagnostic, so the analysis can return both in one list.
const _assignable: ShapeDiagnostic = {} as ContractDiagnostic;
void _assignable;

type Summary = [name: string, type: string, extra?: string];

function summarize(rule: ColumnRule): Summary {
  const extra: string[] = [];
  if (rule.nullable) extra.push('nullable');
  if (rule.min !== undefined || rule.max !== undefined) extra.push(`${rule.min ?? ''}..${rule.max ?? ''}`);
  if (rule.allowed) extra.push(`in ${JSON.stringify(rule.allowed)}`);
  if (rule.pattern) extra.push(String(rule.pattern));
  return extra.length ? [rule.name, rule.type, extra.join(' ')] : [rule.name, rule.type];
}

const VALID: { text: string; columns: Summary[]; open?: boolean }[] = [
  { text: '{}', columns: [] },
  { text: '{ a: number }', columns: [['a', 'number']] },
  { text: '{ a: number 0..10 }', columns: [['a', 'number', '0..10']] },
  { text: '{ a: number 0.5.. }', columns: [['a', 'number', '0.5..']] },
  { text: '{ a: number ..1e3 }', columns: [['a', 'number', '..1000']] },
  { text: '{ a: float -1.5..-0.5 }', columns: [['a', 'number', '-1.5..-0.5']] },
  { text: '{ species: int in [0, 1, 2] }', columns: [['species', 'int', 'in [0,1,2]']] },
  { text: '{ label: string in ["cat", \'dog\', bird] }', columns: [['label', 'string', 'in ["cat","dog","bird"]']] },
  { text: '{ notes?: string }', columns: [['notes', 'string', 'nullable']] },
  { text: '{ notes: string? }', columns: [['notes', 'string', 'nullable']] },
  { text: '{ code: str /^[A-Z]{3}$/i }', columns: [['code', 'string', '/^[A-Z]{3}$/i']] },
  { text: '{ "petal length": number, flag: bool, x: any, }', columns: [['petal length', 'number'], ['flag', 'boolean'], ['x', 'any']] },
  { text: '{ a: integer 0.., ... }', columns: [['a', 'int', '0..']], open: true },
  { text: '{\n   a: number,\n   b: int\n }', columns: [['a', 'number'], ['b', 'int']] },
];

test('valid contracts parse into their rules', () => {
  for (const { text, columns, open } of VALID) {
    const parsed = parseContract(text);
    assert.deepEqual(parsed.errors, [], text);
    assert.deepEqual(parsed.contract.columns.map(summarize), columns, text);
    assert.equal(parsed.contract.open, open ?? false, text);
    assert.equal(parsed.end, text.length, text);
  }
});

const INVALID: { text: string; error: RegExp; columns?: string[] }[] = [
  { text: 'a: number', error: /starts with `\{`/ },
  { text: '{ a: nmber }', error: /Unknown type `nmber`/ },
  { text: '{ a number, b: int }', error: /Expected `:`/, columns: ['b'] },
  { text: '{ a: int 5..1 }', error: /range 5\.\.1 is empty/, columns: ['a'] },
  { text: '{ a: string 0..1 }', error: /does not apply to string/, columns: ['a'] },
  { text: '{ a: int in 0, 1 }', error: /`in` takes a list/, columns: ['a'] },
  { text: '{ a: int, a: number }', error: /declared twice/, columns: ['a', 'a'] },
  { text: '{ a: int', error: /missing its closing `\}`/, columns: ['a'] },
  { text: '{ ..., a: int }', error: /must come last/ },
  { text: '{ a: string /[/ }', error: /Invalid pattern/, columns: ['a'] },
  { text: '{ a: int ~ }', error: /Unexpected `~`/, columns: ['a'] },
];

test('invalid contracts give errors with offsets and keep the entries they understood', () => {
  for (const { text, error, columns } of INVALID) {
    const parsed = parseContract(text);
    assert.ok(parsed.errors.some((e) => error.test(e.message)), `${text}: ${JSON.stringify(parsed.errors)}`);
    for (const e of parsed.errors) assert.ok(e.start >= 0 && e.end <= text.length + 1 && e.end > e.start, `${text}: offsets ${e.start}-${e.end}`);
    assert.deepEqual(parsed.contract.columns.map((c) => c.name), columns ?? [], text);
  }
});

test('formatContract writes a contract back in its own syntax', () => {
  const text = '{ a: number 0..10, "b c"?: string, d: int in [1, 2], ... }';
  const again = parseContract(formatContract(parseContract(text).contract));
  assert.deepEqual(again.errors, []);
  assert.deepEqual(again.contract, { ...parseContract(text).contract, columns: again.contract.columns });
  assert.deepEqual(again.contract.columns.map(summarize), parseContract(text).contract.columns.map(summarize));
});

const CELLS: [contract: string, text: string, expected: RegExp | undefined][] = [
  ['{ a: number 0..10 }', '5.5', undefined],
  ['{ a: number 0..10 }', '10', undefined],
  ['{ a: number 0..10 }', '10.01', /above the maximum 10/],
  ['{ a: number 0..10 }', '-1', /below the minimum 0/],
  ['{ a: number 0..10 }', 'abc', /not a number/],
  ['{ a: number 0..10 }', '', /missing/],
  ['{ a?: number 0..10 }', '', undefined],
  ['{ a?: number 0..10 }', 'NA', undefined],
  ['{ a: int }', '3', undefined],
  ['{ a: int }', '3.5', /not an integer/],
  ['{ a: int in [0, 1, 2] }', '3', /not one of \[0, 1, 2\]/],
  ['{ a: int in [0, 1, 2] }', '2', undefined],
  ['{ a: string in ["x", "y"] }', 'z', /not one of \["x", "y"\]/],
  ['{ a: string /^[a-z]+$/ }', 'abc', undefined],
  ['{ a: string /^[a-z]+$/ }', 'ab1', /does not match/],
  ['{ a: boolean }', 'true', undefined],
  ['{ a: boolean }', 'yes', /not a boolean/],
  ['{ a: any }', 'anything', undefined],
];

test('checkCell: one value against one rule', () => {
  for (const [contract, text, expected] of CELLS) {
    const rule = parseContract(contract).contract.columns[0]!;
    const missing = text === '' || text === 'NA';
    const number = /^-?[\d.]+$/.test(text) ? Number(text) : NaN;
    const reason = checkCell(rule, { missing, text, number });
    if (expected) assert.match(reason ?? '(passes)', expected, `${contract} ${JSON.stringify(text)}`);
    else assert.equal(reason, undefined, `${contract} ${JSON.stringify(text)}`);
  }
});

test('findDataContracts: on a path constant, on a tf.data.csv call, with a path in the tag, and without a file', () => {
  const source = [
    "import * as tf from '@tensorflow/tfjs';",
    '/** @data-contract { a: number } */',
    "const csvPath = 'data/a.csv';",
    '/**',
    ' * Labels, one per row.',
    ' * @data-contract { label: int in [0, 1],',
    ' *   weight?: number 0.. }',
    ' */',
    "const ds = tf.data.csv('file://data/b.csv', { columnConfigs: { label: { isLabel: true } } });",
    '/** @data-contract ../shared/c.json { id: string, ... } */',
    'const loader = makeLoader();',
    '/** @data-contract { x: int } */',
    'const n = 3;',
  ].join('\n');
  const found = findDataContracts('/work/exp/file.ml.ts', source);
  assert.deepEqual(
    found.map((c) => [c.path, c.resolvedPath, c.contract.columns.map((col) => col.name), c.errors.length]),
    [
      ['data/a.csv', '/work/exp/data/a.csv', ['a'], 0],
      ['data/b.csv', '/work/exp/data/b.csv', ['label', 'weight'], 0],
      ['../shared/c.json', '/work/shared/c.json', ['id'], 0],
      [undefined, undefined, ['x'], 1],
    ],
  );
  // Ranges: the column entry inside the multi-line comment, and the path literal.
  assert.deepEqual(found[1]!.columnRanges.get('weight'), { start: { line: 6, character: 5 }, end: { line: 6, character: 24 } });
  assert.deepEqual(found[0]!.pathRange, { start: { line: 2, character: 16 }, end: { line: 2, character: 28 } });
  assert.match(found[3]!.errors[0]!.message, /names no file/);
});

test('validateDataFile reports every planted row and no clean row', async () => {
  const file = writePlantedCsv('planted-contract.csv', 3000);
  const result = await validateDataFile(file.path, PLANTED_CONTRACT, { blockSize: 4096, headBytes: 4096 });
  assert.equal(result.failed, false);
  assert.equal(result.rows, 3000);
  const byLine = new Map(result.violations.map((v) => [v.line, v]));
  assert.deepEqual([...byLine.keys()].sort((a, b) => a - b), [file.stringInNumeric, file.missingLabel, file.outOfRange, file.ragged].sort((a, b) => a - b));
  assert.deepEqual(
    [byLine.get(file.stringInNumeric), byLine.get(file.missingLabel), byLine.get(file.outOfRange), byLine.get(file.ragged)].map((v) => [v?.column, v?.value, v?.reason]),
    [
      ['sepal_length', 'five', 'not a number'],
      ['species', '', 'missing (the column is not nullable; write `name?:` to allow it)'],
      ['sepal_length', '99.5', 'above the maximum 10'],
      ['species', '', 'the row has only 3 fields'],
    ],
  );
  assert.equal(result.violationCount, 4);
  assert.equal(result.badRows, 4);
  assert.ok(result.issues.some((i) => i.kind === 'ragged' && i.line === file.ragged));
  assert.match(formatValidation(result), /4 violations in 4 of 3,000 rows/);
});

test('validation counts every violation but keeps at most maxViolations', async () => {
  const file = writePlantedCsv('planted-capped.csv', 500);
  const result = await validateDataFile(file.path, '{ id: int 0..9, sepal_length: number, sepal_width: number, species: int }', { maxViolations: 25 });
  // ids 10..499 break 0..9 (490), plus "five" and the missing and absent labels.
  assert.equal(result.violationCount, 490 + 3);
  assert.equal(result.violations.length, 25);
  assert.match(formatValidation(result, 3), /… and 490 more/);
});

test('validateDeclaredContracts finds the contracts of a source file and checks their files', async () => {
  const file = writePlantedCsv('planted-declared.csv', 200);
  const source = `/** @data-contract ${PLANTED_CONTRACT} */\nconst csvPath = '${file.path}';\n/** @data-contract { a: nmber } */\nconst other = 'x.csv';\n`;
  const [first, second] = await validateDeclaredContracts('/tmp/exp.ml.ts', source);
  assert.equal(first!.violationCount, 4);
  assert.equal(second!.failed, true);
  assert.match(second!.issues[0]!.message, /exp\.ml\.ts:3: Unknown type `nmber`/);
});

test('a missing data file, and a contract on a closed header, as validation results', async () => {
  const missing = await validateDataFile('/nonexistent/flowers.csv', '{ a: int }');
  assert.equal(missing.failed, true);
  assert.match(missing.issues[0]!.message, /no such file/);
  const path = writeDataFile('closed.csv', 'a,b,extra\n1,2,3\n');
  const closed = await validateDataFile(path, '{ a: int, b: int, c?: int }');
  assert.deepEqual(closed.missingColumns, ['c']);
  assert.deepEqual(closed.undeclaredColumns, ['extra']);
  const open = await validateDataFile(path, '{ a: int, ... }');
  assert.equal(open.ok, true);
});

/** An in-memory reader that counts reads, to see the cache and the sample size. */
function memoryReader(files: Record<string, string>, mtime = 1): DataFileReader & { reads: number[] } {
  const reads: number[] = [];
  return {
    reads,
    readHead(path, maxBytes) {
      const text = files[path];
      if (text === undefined) return undefined;
      reads.push(maxBytes);
      return Buffer.from(text).subarray(0, maxBytes);
    },
    modifiedTime: (path) => (path in files ? mtime : undefined),
  };
}

test('checkDataContracts: diagnostics on the column entry, the path and the comment, from a sample', () => {
  const source = [
    '/**',
    ' * @data-contract { sepal_length: number 0..10, sepal_widht: number,',
    ' *   species: int in [0, 1, 2] }',
    ' */',
    "const csvPath = 'data/flowers.csv';",
    "/** @data-contract { a: int } */ const missing = 'data/none.csv';",
  ].join('\n');
  const csv = 'sepal_length,sepal_width,species\n5.1,3.5,0\n11,3.0,1\n4.9,3.1,7\n';
  const reader = memoryReader({ '/exp/data/flowers.csv': csv });
  const diagnostics = checkDataContracts('/exp/a.ml.ts', source, reader);
  const brief = diagnostics.map((d) => [d.severity, d.range.start.line, d.range.start.character, d.message.replace(/^Data contract: /, '').slice(0, 50)]);
  assert.deepEqual(brief, [
    ['error', 1, 48, 'data/flowers.csv has no column "sepal_widht"; the '],
    ['warning', 0, 0, 'data/flowers.csv has a column the contract does no'],
    ['warning', 1, 20, '1 value in all 3 rows of flowers.csv breaks "sepal'],
    ['warning', 2, 5, '1 value in all 3 rows of flowers.csv breaks "speci'],
    ['error', 5, 49, 'cannot read data/none.csv (/exp/data/none.csv): no'],
  ]);
  assert.ok(diagnostics.every((d) => d.code === 'data-contract'));
  assert.deepEqual(diagnostics[2]!.related.map((r) => [r.file, r.range.start.line]), [['/exp/data/flowers.csv', 2]]);
  // A second check of the same file at the same modification time reads nothing.
  checkDataContracts('/exp/a.ml.ts', source, reader);
  assert.equal(reader.reads.length, 1);
});

test('checkDataContracts samples a big file: only its head is read, and the cut row is not checked', () => {
  const rows = ['x'];
  for (let i = 0; i < 60_000; i++) rows.push(String(i % 10));
  const reader = memoryReader({ '/exp/big.csv': rows.join('\n') + '\n' }, 2);
  const diagnostics = checkDataContracts('/exp/a.ml.ts', "/** @data-contract { x: int 0..9 } */\nconst p = 'big.csv';", reader);
  assert.deepEqual(diagnostics, []);
  assert.ok(reader.reads[0]! <= 256 * 1024);
});
