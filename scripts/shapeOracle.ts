// `npm run oracle -- [--unknowns] [--show-output] [files...]`: runs programs for real and compares the shape of
// every tensor expression and model with the static analysis (scripts/shapeOracle/, docs/shape-oracle.md). Without
// files it runs the examples, the shape fixtures and the fixed programs of the shared shape corpus; with
// `--real-code`, the runnable part of the real-code corpus (the jasmine specs tfjs-core ships, jasmineHarness.ts). It prints each
// disagreement as `file:line:column` with both shapes, and the shape coverage per file and in total; with
// `--unknowns`, also every observed expression whose shape the analysis did not fully know. Exits 1 on any
// disagreement or false alarm (an error on a line that ran without throwing), or when a program without
// `// expect-error` lines stops early. It executes the programs it is given.

import path from 'node:path';
import { SHAPE_CORPUS_DIR } from '../test/support/shapeCorpus';
import { type FileReport, defaultPrograms, realCodePrograms, runOracle } from './shapeOracle/oracle';

const ROOT = path.resolve(__dirname, '..');

const percent = (known: number, observed: number): string => (observed === 0 ? '  -  ' : `${((100 * known) / observed).toFixed(1)}%`);

function printReport(r: FileReport, showUnknowns: boolean): void {
  const rel = path.relative(process.cwd(), path.resolve(r.file));
  const wrong = r.disagreements.length + r.falseAlarms.length > 0;
  if (r.skipped) {
    console.log(`skipped  ${rel}  (cannot run here: ${r.skipped})`);
    return;
  }
  const status = wrong ? 'DISAGREE' : r.crash ? (r.expectsErrors ? 'stopped ' : 'CRASHED ') : 'ok      ';
  const specs = r.specs ? `  specs ${r.specs.specs} (${r.specs.failures.length} threw)` : '';
  console.log(`${status} ${rel}  coverage ${percent(r.known, r.observed)} (${r.known}/${r.observed})${specs}  ${r.seconds.toFixed(1)} s`);
  if (showUnknowns) for (const f of r.specs?.failures ?? []) console.log(`  spec threw: ${f.name}${f.line === undefined ? '' : ` (line ${f.line + 1})`}: ${f.message}`);
  for (const d of r.disagreements) console.log(`  ${rel}:${d.line}:${d.column}  ${d.expression}  analysis ${d.analysis}  tfjs ${d.runtime}`);
  for (const a of r.falseAlarms) console.log(`  ${rel}:${a.line}:${a.column}  false alarm ${a.code}: ${a.message} (the line ran without throwing)`);
  if (r.crash) console.log(`  the run stopped at ${r.crash}`);
  for (const p of r.problems) console.log(`  ${rel}: ${p}`);
  if (showUnknowns) for (const u of r.unknowns) console.log(`  unknown ${rel}:${u.line}:${u.column}  ${u.expression}  analysis ${u.analysis}  tfjs ${u.runtime}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const files = args.filter((a) => !a.startsWith('--'));
  const programs = flags.has('--real-code') ? realCodePrograms(ROOT) : files.length > 0 ? files : defaultPrograms(ROOT, SHAPE_CORPUS_DIR);
  let observed = 0;
  let known = 0;
  let disagreements = 0;
  let falseAlarms = 0;
  let stopped = 0;
  let crashed = 0;
  let skipped = 0;
  let specs = 0;
  let specsThrew = 0;
  for (const file of programs) {
    const r = await runOracle(file, { showOutput: flags.has('--show-output') });
    printReport(r, flags.has('--unknowns'));
    if (r.skipped) skipped++;
    specs += r.specs?.specs ?? 0;
    specsThrew += r.specs?.failures.length ?? 0;
    observed += r.observed;
    known += r.known;
    disagreements += r.disagreements.length;
    falseAlarms += r.falseAlarms.length;
    if (r.crash) stopped++;
    if (r.crash && !r.expectsErrors) crashed++;
  }
  console.log(
    `${programs.length} programs, ${observed} tensor expressions observed: shape coverage ${percent(known, observed)} (${known}/${observed}), ` +
      `${disagreements} disagreements, ${falseAlarms} false alarms, ${stopped} runs stopped early (${crashed} without expect-error lines)` +
      (specs > 0 ? `; ${specs} jasmine specs run (${specsThrew} threw), ${skipped} files could not run here` : ''),
  );
  process.exitCode = disagreements === 0 && falseAlarms === 0 && crashed === 0 ? 0 : 1;
}

void main();
