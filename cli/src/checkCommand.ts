// `mlts check [paths or globs...] [--format text|json]`: runs the shape analysis over files and prints its
// diagnostics like tsc (`file:line:col - error code: message`) or as JSON with 1-based positions.
// Exit status: 1 if any error, 0 if none, 2 on a usage or I/O error.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { analyze, type ShapeDiagnostic } from '../../server/src/analysis/index';
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

export function parseCheckArgs(args: string[]): { paths: string[]; format: 'text' | 'json' } {
  const paths: string[] = [];
  let format: 'text' | 'json' = 'text';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg.includes('=') ? arg.slice('--format='.length) : args[++i];
      if (value !== 'text' && value !== 'json') throw new UsageError(`--format must be text or json, not ${value ?? 'nothing'}`);
      format = value;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      paths.push(arg);
    }
  }
  return { paths, format };
}

export function runCheck(args: string[], io: CommandIO): number {
  const { paths, format } = parseCheckArgs(args);
  let files: string[];
  try {
    files = expandFileArgs(paths, io.cwd);
  } catch (err) {
    if (err instanceof FileSetError) throw new UsageError(err.message);
    throw err;
  }
  const all: JsonDiagnostic[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const shown = relative(io.cwd, file) || file;
    for (const d of [...analyze({ fileName: file, text, host: fileSystemHost }).diagnostics, ...checkDataContracts(file, text)]) {
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
    io.stdout(JSON.stringify({ files: files.length, diagnostics: all }, null, 2) + '\n');
  } else {
    for (const d of all) io.stdout(`${d.file}:${d.line}:${d.column} - ${d.severity} ${d.code}: ${d.message}\n`);
    const errors = all.filter((d) => d.severity === 'error').length;
    io.stdout(`${files.length} file${files.length === 1 ? '' : 's'} checked, ${errors} error${errors === 1 ? '' : 's'}.\n`);
  }
  return all.some((d) => d.severity === 'error') ? 1 : 0;
}
