// The static side of data contracts, for the editor and `mlts check`: for each `@data-contract` in a source
// file, read the head of its data file (a sample, never the whole file), check the header and the sampled rows
// against the contract, and return diagnostics shaped like the shape analysis's `ShapeDiagnostic` (code
// `data-contract`), on the contract's column entry, the path, or the comment. Results are cached per data file,
// modification time and contract. Full checks of every row are validate.ts's job, at run time.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { closestName } from '../../../server/src/analysis/dataFiles';
import { formatContract, type DataContract } from './contract';
import { ContractSink, type ContractReport } from './contractSink';
import type { Range, ShapeDiagnostic } from '../../../server/src/analysis/api';
import { findDataContracts, type DeclaredContract } from './contractSource';
import { streamDataBytes, type StreamSummary } from './dataReader';

/** Bytes of a data file a static check reads: the header and a few thousand rows. */
export const CONTRACT_SAMPLE_BYTES = 256 * 1024;

/** A `ShapeDiagnostic` (server/src/analysis/api.ts) with code `data-contract`, so the analysis can merge these in. */
export type ContractDiagnostic = ShapeDiagnostic & { code: 'data-contract' };

/** How the check reads data files: the server and CLI pass `nodeDataFileReader`; tests pass files in memory. */
export interface DataFileReader {
  /** At most the first `maxBytes` of a file (bytes, or text already decoded); undefined when it cannot be read. */
  readHead(path: string, maxBytes: number): Uint8Array | string | undefined;
  /** The file's modification time in ms, for the cache; undefined disables caching for that file. */
  modifiedTime?(path: string): number | undefined;
}

export const nodeDataFileReader: DataFileReader = {
  readHead(path, maxBytes) {
    let fd: number | undefined;
    try {
      fd = openSync(path, 'r');
      const buffer = new Uint8Array(maxBytes);
      let filled = 0;
      while (filled < maxBytes) {
        const n = readSync(fd, buffer, filled, maxBytes - filled, filled);
        if (n === 0) break;
        filled += n;
      }
      return buffer.subarray(0, filled);
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  },
  modifiedTime(path) {
    try {
      const stat = statSync(path);
      return stat.isFile() ? stat.mtimeMs : undefined;
    } catch {
      return undefined;
    }
  },
};

/** Adapts the shape analysis's `AnalysisHost` (text reads) to a DataFileReader (no caching, no encoding checks). */
export function readerFromAnalysisHost(host: { readFile(path: string): string | undefined; readFileHead?(path: string, maxBytes: number): string | undefined }): DataFileReader {
  return {
    readHead: (path, maxBytes) => {
      try {
        return host.readFileHead ? host.readFileHead(path, maxBytes) : host.readFile(path)?.slice(0, maxBytes);
      } catch {
        return undefined;
      }
    },
  };
}

interface SampleCheck {
  summary: StreamSummary;
  report: ContractReport;
}

const cache = new Map<string, SampleCheck>();
const CACHE_ENTRIES = 64;

function checkSample(path: string, contract: DataContract, reader: DataFileReader): SampleCheck | undefined {
  const mtime = reader.modifiedTime?.(path);
  const key = mtime === undefined ? undefined : `${path}\0${mtime}\0${formatContract(contract)}`;
  if (key) {
    const hit = cache.get(key);
    if (hit) return hit;
  }
  const head = reader.readHead(path, CONTRACT_SAMPLE_BYTES);
  if (head === undefined) return undefined;
  let bytes = typeof head === 'string' ? Buffer.from(head, 'utf8') : head;
  const truncated = bytes.length >= CONTRACT_SAMPLE_BYTES;
  if (truncated) {
    // A sample ends inside a row: drop that row rather than check half of it.
    const lastBreak = bytes.lastIndexOf(10);
    if (lastBreak > 0) bytes = bytes.subarray(0, lastBreak + 1);
  }
  const sink = new ContractSink(contract, 200);
  const summary = streamDataBytes(path, bytes, sink, { truncated });
  const result = { summary, report: sink.report };
  if (key) {
    if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(key, result);
  }
  return result;
}

/** The column most like `name`, when it is close enough to be a likely typo. */
function closest(name: string, candidates: string[]): string | undefined {
  const best = closestName(name, candidates);
  return best !== undefined && best.length > 0 && Math.abs(best.length - name.length) <= Math.max(2, name.length / 2) ? best : undefined;
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

function diagnosticsFor(declared: DeclaredContract, reader: DataFileReader): ContractDiagnostic[] {
  const out: ContractDiagnostic[] = [];
  const diag = (severity: ContractDiagnostic['severity'], message: string, range: Range, related: ContractDiagnostic['related'] = []) =>
    out.push({ code: 'data-contract', severity, message, range, related });
  for (const e of declared.errors) diag('error', `Data contract: ${e.message}`, e.range);
  const path = declared.resolvedPath;
  if (!path || !declared.path) return out;
  const where = declared.pathRange ?? declared.commentRange;
  const name = declared.path;
  const sample = checkSample(path, declared.contract, reader);
  if (!sample || sample.summary.failed) {
    const why = sample?.summary.issues[0]?.message ?? `cannot read ${name} (${path}): no such file, or not readable.`;
    diag('error', `Data contract: ${why}`, where);
    return out;
  }
  const { summary, report } = sample;
  const fileRange: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  for (const issue of summary.issues) {
    const related = issue.line ? [{ message: `line ${issue.line}`, range: { start: { line: issue.line - 1, character: 0 }, end: { line: issue.line - 1, character: 0 } }, file: path }] : [];
    const severity = issue.kind === 'empty' ? 'error' : 'warning';
    diag(severity, `Data contract: ${issue.message}`, where, related);
  }
  if (summary.columns.length === 0) return out;
  for (const missing of report.missingColumns) {
    const near = closest(missing, summary.columns);
    diag(
      'error',
      `Data contract: ${name} has no column "${missing}"${near ? `; the closest is "${near}"` : ''} (columns: ${summary.columns.join(', ')}).`,
      declared.columnRanges.get(missing) ?? declared.commentRange,
      [{ message: 'the header', range: fileRange, file: path }],
    );
  }
  if (report.undeclaredColumns.length) {
    diag(
      'warning',
      `Data contract: ${name} has ${report.undeclaredColumns.length === 1 ? 'a column' : 'columns'} the contract does not declare: ${report.undeclaredColumns.join(', ')}. Declare ${report.undeclaredColumns.length === 1 ? 'it' : 'them'}, or end the contract with \`...\` to allow other columns.`,
      declared.commentRange,
      [{ message: 'the header', range: fileRange, file: path }],
    );
  }
  const rowsRead = summary.sampled ? `the first ${plural(report.rows, 'row')} (a sample)` : `all ${plural(report.rows, 'row')}`;
  for (const rule of declared.contract.columns) {
    if (report.missingColumns.includes(rule.name)) continue;
    const broken = report.violations.filter((v) => v.column === rule.name && v.line > 1);
    const count = report.byColumn[rule.name] ?? 0;
    if (count === 0) continue;
    const examples = broken
      .slice(0, 3)
      .map((v) => `line ${v.line} ${v.value === '' ? '(empty)' : JSON.stringify(v.value)} ${v.reason}`)
      .join('; ');
    diag(
      'warning',
      `Data contract: ${plural(count, 'value')} in ${rowsRead} of ${basename(name)} break${count === 1 ? 's' : ''} "${rule.name}: ${rule.text}": ${examples}${count > 3 ? `, and ${(count - 3).toLocaleString('en-US')} more` : ''}. "mlts: Profile Data File" lists every row.`,
      declared.columnRanges.get(rule.name) ?? declared.commentRange,
      broken.slice(0, 5).map((v) => ({ message: `${rule.name} = ${v.value === '' ? '(empty)' : JSON.stringify(v.value)}: ${v.reason}`, range: { start: { line: v.line - 1, character: 0 }, end: { line: v.line - 1, character: 0 } }, file: path })),
    );
  }
  return out;
}

/**
 * Checks every data contract declared in `text` against a sample of its data file. Never throws: a contract
 * that cannot be read or checked becomes a diagnostic.
 */
export function checkDataContracts(fileName: string, text: string, reader: DataFileReader = nodeDataFileReader): ContractDiagnostic[] {
  try {
    return findDataContracts(fileName, text).flatMap((declared) => diagnosticsFor(declared, reader));
  } catch (err) {
    return [
      {
        code: 'data-contract',
        severity: 'information',
        message: `Data contracts were not checked: ${err instanceof Error ? err.message : String(err)}`,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        related: [],
      },
    ];
  }
}
