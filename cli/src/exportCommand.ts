// `mlts export FILE --to html|ipynb|md [-o PATH] [--store DIR]`: writes a file's cells with the outputs its
// kernel saved under `.mlts/outputs/` as a self-contained HTML report (with the comparison of the file's tracked
// runs), a Jupyter notebook or Markdown. The store is `--store`, else the nearest `.mlts/` above the file, else
// `./.mlts`. The work is runtime/src/export (shared with the VS Code command); this module parses and prints.
// Exit status: 0 when written, 1 when there is nothing to export or the output cannot be written, 2 on usage.
import { resolve } from 'node:path';
import { EXPORT_FORMATS, type ExportFormat } from '../../runtime/src/export/exportDocument';
import { ExportProblem, exportFile } from '../../runtime/src/export/exportFile';
import { storeRootFor } from '../../runtime/src/outputs/savedOutputs';
import { UsageError, type CommandIO } from './commandIO';

export interface ExportArgs {
  file: string;
  format: ExportFormat;
  out: string | undefined;
  store: string | undefined;
}

const isFormat = (v: string): v is ExportFormat => (EXPORT_FORMATS as readonly string[]).includes(v);

export function parseExportArgs(args: string[]): ExportArgs {
  let file: string | undefined;
  let format: ExportFormat | undefined;
  let out: string | undefined;
  let store: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name === '--to' || name === '-o' || name === '--out' || name === '--store') {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      if (name === '--to') {
        if (!isFormat(value)) throw new UsageError(`--to must be one of ${EXPORT_FORMATS.join(', ')}, not ${value}`);
        format = value;
      } else if (name === '--store') store = value;
      else out = value;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (file) throw new UsageError(`one file at a time; got ${file} and ${arg}`);
    else file = arg;
  }
  if (!file) throw new UsageError('export needs a FILE');
  if (!format) throw new UsageError(`export needs --to ${EXPORT_FORMATS.join('|')}`);
  return { file, format, out, store };
}

export function runExportCommand(args: string[], io: CommandIO): number {
  const parsed = parseExportArgs(args);
  const file = resolve(io.cwd, parsed.file);
  const storeRoot = parsed.store ? resolve(io.cwd, parsed.store) : storeRootFor(file, io.cwd);
  try {
    const outcome = exportFile({ file, format: parsed.format, storeRoot, ...(parsed.out ? { out: resolve(io.cwd, parsed.out) } : {}) });
    for (const note of outcome.notes) io.stderr(`mlts export: ${note}\n`);
    const runs = outcome.runs > 0 ? `, ${outcome.runs} tracked run${outcome.runs === 1 ? '' : 's'}` : '';
    io.stdout(`${outcome.path}: ${outcome.cells} cells, ${outcome.cellsWithOutputs} with outputs${runs}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof ExportProblem)) throw err;
    io.stderr(`mlts export: ${err.message}\n`);
    return 1;
  }
}
