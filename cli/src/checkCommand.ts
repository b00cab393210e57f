// `mlts check [paths or globs...] [--format text|json] [--stats]`: runs the shape analysis over files and prints
// its diagnostics like tsc (`file:line:col - error code: message`) or as JSON with 1-based positions. `--stats`
// adds, per file, what the analysis really saw (models followed, models unknown and why, shape coverage), so
// that a clean result on a file of unknowns is not mistaken for a checked file. Files that are not source
// (binary, over the size limit) are skipped with a warning, never an error, and listed in JSON's `skipped`.
// Exit status: 1 if any error, 0 if none, 2 on a usage or I/O error.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { analyze, skippedResult, type AnalysisResult, type AnalysisStats, type ShapeDiagnostic } from '../../server/src/analysis/index';
import { BINARY_SAMPLE_CHARS, binaryReason, MAX_SOURCE_CHARS, sizeSkipReason } from '../../server/src/analysis/inputLimits';
import { fileSystemHost } from '../../server/src/fileSystemHost';
import { checkDataContracts } from '../../runtime/src/data/contractCheck';
import { expandFileArgs, FileSetError } from './fileSet';
import { UsageError, type CommandIO } from './commandIO';

export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: ShapeDiagnostic['severity'];
  code: string;
  message: string;
}

/** One file's stats in `--stats` JSON; unknown models carry 1-based lines like diagnostics. */
export interface JsonFileStats extends Omit<AnalysisStats, 'modelsUnknown'> {
  file: string;
  modelsUnknown: Array<{ name: string; reason: string; line: number }>;
}

export interface CheckArgs {
  paths: string[];
  format: 'text' | 'json';
  stats: boolean;
}

export function parseCheckArgs(args: string[]): CheckArgs {
  const paths: string[] = [];
  let format: 'text' | 'json' = 'text';
  let stats = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--stats') {
      stats = true;
    } else if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg.includes('=') ? arg.slice('--format='.length) : args[++i];
      if (value !== 'text' && value !== 'json') throw new UsageError(`--format must be text or json, not ${value ?? 'nothing'}`);
      format = value;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      paths.push(arg);
    }
  }
  return { paths, format, stats };
}

function percent(share: number | null): string {
  return share === null ? 'no tensor expressions' : `${(share * 100).toFixed(1)}%`;
}

/** `file: 2 models analysed, 1 unknown; shape coverage 93.8% (45/48 tensor expressions)` and a line per unknown model. */
function statsText(s: JsonFileStats): string {
  const unknown = s.modelsUnknown.length;
  const lines = [
    `${s.file}: ${s.modelsAnalysed} model${s.modelsAnalysed === 1 ? '' : 's'} analysed, ${unknown} unknown; ` +
      `shape coverage ${percent(s.shapeCoverage)} (${s.knownShapeExpressions}/${s.tensorExpressions} tensor expressions)`,
  ];
  for (const m of s.modelsUnknown) lines.push(`  ${s.file}:${m.line} model \`${m.name}\` unknown: ${m.reason}`);
  return lines.join('\n') + '\n';
}

export function runCheck(args: string[], io: CommandIO): number {
  const { paths, format, stats } = parseCheckArgs(args);
  let files: string[];
  try {
    files = expandFileArgs(paths, io.cwd);
  } catch (err) {
    if (err instanceof FileSetError) throw new UsageError(err.message);
    throw err;
  }
  const all: JsonDiagnostic[] = [];
  const fileStats: JsonFileStats[] = [];
  const skipped: Array<{ file: string; reason: string }> = [];
  for (const file of files) {
    const shown = relative(io.cwd, file) || file;
    const { result, contracts } = checkFile(file);
    if (result.skipped) skipped.push({ file: shown, reason: result.skipped });
    if (stats) {
      const unknown = result.stats.modelsUnknown.map((m) => ({ name: m.name, reason: m.reason, line: m.range.start.line + 1 }));
      fileStats.push({ file: shown, ...result.stats, modelsUnknown: unknown });
    }
    for (const d of [...result.diagnostics, ...contracts]) {
      all.push({
        file: shown,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        endLine: d.range.end.line + 1,
        endColumn: d.range.end.character + 1,
        severity: d.severity,
        code: d.code,
        message: d.message,
      });
    }
  }
  if (format === 'json') {
    io.stdout(JSON.stringify({ files: files.length, diagnostics: all, skipped, ...(stats ? { stats: fileStats } : {}) }, null, 2) + '\n');
  } else {
    for (const d of all) io.stdout(`${d.file}:${d.line}:${d.column} - ${d.severity} ${d.code}: ${d.message}\n`);
    for (const s of fileStats) io.stdout(statsText(s));
    const errors = all.filter((d) => d.severity === 'error').length;
    const skippedNote = skipped.length ? `, ${skipped.length} skipped` : '';
    io.stdout(`${files.length} file${files.length === 1 ? '' : 's'} checked, ${errors} error${errors === 1 ? '' : 's'}${skippedNote}.\n`);
  }
  return all.some((d) => d.severity === 'error') ? 1 : 0;
}

/** The first `bytes` of a file, decoded as UTF-8. */
function readHead(file: string, bytes: number): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Analyses one file. A file too large to hold only MAX_SOURCE_CHARS characters of UTF-8 (3 bytes each at
 * most) is not read whole: its head says whether it is binary, and either way it is skipped.
 */
function checkFile(file: string): { result: AnalysisResult; contracts: ShapeDiagnostic[] } {
  let text: string;
  try {
    const bytes = statSync(file).size;
    const tooLarge = bytes > 3 * MAX_SOURCE_CHARS && sizeSkipReason(bytes);
    if (tooLarge) return { result: skippedResult(binaryReason(readHead(file, BINARY_SAMPLE_CHARS)) ?? tooLarge), contracts: [] };
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const result = analyze({ fileName: file, text, host: fileSystemHost });
  return { result, contracts: result.skipped ? [] : checkDataContracts(file, text) };
}
