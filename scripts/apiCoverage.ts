// Export coverage of the shape analysis: which names of the real `@tensorflow/tfjs` 4.22 API (read
// from its type declarations by tfjsExports.ts) the analysis models.
//
//   npm run coverage:api                  prints per-category coverage and the missing names
//   npm run coverage:api -- --write-doc   also rewrites the table in docs/shape-analysis-coverage.md
//
// "Models" is decided on the abstract `tf` namespace the analysis itself builds
// (server/src/analysis/tfNamespace.ts): an op counts when `tf.<path>` resolves to a native function
// that is not marked as a placeholder (`placeholder: true`, a name that exists only so that code
// runs and returns an unknown tensor); a layer factory counts when it also has a shape rule
// (`isLayerFactoryModelled`). Categories whose names are not counted (`other`) are listed only.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { Evaluator } from '../server/src/analysis/evaluator';
import { LAYER_FACTORIES } from '../server/src/analysis/layers';
import { LAYER_RULES } from '../server/src/analysis/layerShapes';
import { createTfNamespace } from '../server/src/analysis/tfNamespace';
import type { Value } from '../server/src/analysis/values';
import { type ExportCategory, type TfjsExport, enumerateTfjsExports } from './tfjsExports';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const COVERAGE_DOC = path.join(ROOT, 'docs', 'shape-analysis-coverage.md');
/** The counted categories, in report order. */
export const COUNTED: ExportCategory[] = ['op', 'layer', 'data'];
const TABLE_START = '<!-- coverage-table:start -->';
const TABLE_END = '<!-- coverage-table:end -->';

export interface CategoryCoverage {
  category: ExportCategory;
  total: number;
  modelled: string[];
  missing: string[];
  /** Share of the category's names that are modelled, 0..100. */
  percent: number;
}

export interface CoverageReport {
  tfjsVersion: string;
  categories: CategoryCoverage[];
  /** Names that are not counted (classes, backend and io functions, constants). */
  other: TfjsExport[];
}

/** The abstract `tf` namespace, built as the analysis builds it for a file that imports tfjs. */
function abstractNamespace(): Value {
  const sourceFile = ts.createSourceFile('coverage.ml.ts', '', ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  return createTfNamespace(new Evaluator({ sourceFile, fileName: 'coverage.ml.ts' }));
}

function lookup(ns: Value, names: string[]): Value | undefined {
  let v: Value | undefined = ns;
  for (const name of names) {
    if (!v || v.kind !== 'native' || !v.props) return undefined;
    v = v.props.get(name);
  }
  return v;
}

/** A name is modelled when it resolves to a native function that is not a placeholder. */
function isModelledFunction(ns: Value, names: string[]): boolean {
  const v = lookup(ns, names);
  return v !== undefined && v.kind === 'native' && v.placeholder !== true;
}

/**
 * A `tf.layers` factory counts when it exists and its layer class has a shape rule (or is one of
 * the wrappers and inputs that layers.ts handles itself). The layers helper owns this rule.
 */
export function isLayerFactoryModelled(ns: Value, factory: string): boolean {
  if (!isModelledFunction(ns, ['layers', factory])) return false;
  if (factory === 'input') return true;
  const className = LAYER_FACTORIES[factory];
  if (!className) return false;
  return LAYER_RULES[className] !== undefined || ['TimeDistributed', 'Bidirectional', 'InputLayer'].includes(className);
}

function isModelled(ns: Value, e: TfjsExport): boolean {
  if (e.category === 'layer') return isLayerFactoryModelled(ns, e.path[1]);
  return isModelledFunction(ns, e.path);
}

export function measureCoverage(exports: TfjsExport[] = enumerateTfjsExports()): CoverageReport {
  const ns = abstractNamespace();
  const categories = COUNTED.map((category): CategoryCoverage => {
    const names = exports.filter((e) => e.category === category);
    const modelled = names.filter((e) => isModelled(ns, e)).map((e) => `tf.${e.path.join('.')}`);
    const missing = names.filter((e) => !isModelled(ns, e)).map((e) => `tf.${e.path.join('.')}`);
    const percent = names.length === 0 ? 100 : (100 * modelled.length) / names.length;
    return { category, total: names.length, modelled, missing, percent };
  });
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@tensorflow', 'tfjs', 'package.json'), 'utf8')) as { version: string };
  return { tfjsVersion: pkg.version, categories, other: exports.filter((e) => e.category === 'other') };
}

export function coverageOf(report: CoverageReport, category: ExportCategory): CategoryCoverage {
  const found = report.categories.find((c) => c.category === category);
  if (!found) throw new Error(`no category ${category}`);
  return found;
}

const LABELS: Record<ExportCategory, string> = { op: 'ops (tfjs-core, incl. namespaces and tf.metrics)', layer: 'layers (tf.layers.*)', data: 'data (tf.data.*)', other: 'other' };

/** The Markdown table and missing-name lists that the doc holds between its markers. */
export function coverageMarkdown(report: CoverageReport): string {
  const rows = report.categories.map((c) => `| ${LABELS[c.category]} | ${c.total} | ${c.modelled.length} | **${c.percent.toFixed(1)}%** |`);
  const missing = report.categories.map((c) =>
    c.missing.length === 0 ? `- ${LABELS[c.category]}: none missing.` : `- ${LABELS[c.category]}, missing (${c.missing.length}): ${c.missing.map((n) => `\`${n}\``).join(', ')}`,
  );
  return [
    `Measured on @tensorflow/tfjs ${report.tfjsVersion}.`,
    '',
    '| category | exported | modelled | coverage |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    '',
    `Not counted: ${report.other.length} other exports (classes, backend and io functions, kernel-name constants, initializers, ...).`,
    '',
    ...missing,
  ].join('\n');
}

function writeDoc(report: CoverageReport): void {
  const doc = fs.readFileSync(COVERAGE_DOC, 'utf8');
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`${COVERAGE_DOC} lacks the ${TABLE_START} / ${TABLE_END} markers`);
  fs.writeFileSync(COVERAGE_DOC, `${doc.slice(0, start + TABLE_START.length)}\n${coverageMarkdown(report)}\n${doc.slice(end)}`);
}

function main(): void {
  const report = measureCoverage();
  console.log(`Export coverage of the shape analysis on @tensorflow/tfjs ${report.tfjsVersion}`);
  for (const c of report.categories) {
    console.log(`  ${LABELS[c.category].padEnd(50)} ${String(c.modelled.length).padStart(4)} / ${String(c.total).padEnd(4)} ${c.percent.toFixed(1)}%`);
  }
  console.log(`  not counted: ${report.other.length} other exports`);
  for (const c of report.categories) {
    if (c.missing.length > 0) console.log(`\nmissing ${c.category} (${c.missing.length}):\n  ${c.missing.join('\n  ')}`);
  }
  if (process.argv.includes('--list-other')) {
    console.log(`\nother (${report.other.length}):`);
    for (const e of report.other) console.log(`  tf.${e.path.join('.')}  ${e.note}`);
  }
  if (process.argv.includes('--write-doc')) {
    writeDoc(report);
    console.log(`\nwrote ${path.relative(ROOT, COVERAGE_DOC)}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
