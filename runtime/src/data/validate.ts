// Run-time contract checks: validates a data file fully (every row, streamed) against a contract, or every
// contract declared in a source file against its data file, and formats the result for a terminal. The kernel
// and the training runner call `validateDeclaredContracts` before running a file; they decide whether a broken
// contract stops the run. Never throws for anything about the data or the contract text.
import { basename } from 'node:path';
import { parseContract, type DataContract } from './contract';
import { ContractSink, formatViolation, type ContractReport } from './contractSink';
import { findDataContracts } from './contractSource';
import { streamDataFile, type StreamOptions } from './dataReader';
import type { DataIssue } from './records';

export type { ContractReport, ContractViolation } from './contractSink';

export interface ValidationResult extends ContractReport {
  file: string;
  /** Problems with the file itself (unreadable, empty, encoding, ragged rows). */
  issues: DataIssue[];
  /** True when the file could not be read at all. */
  failed: boolean;
  /** True when nothing broke the contract and the file was read. */
  ok: boolean;
}

export interface ValidateOptions extends Pick<StreamOptions, 'onProgress' | 'signal' | 'blockSize' | 'headBytes'> {
  /** Violations kept in the result (all are counted). Default 1,000. */
  maxViolations?: number;
}

/** Validates one file against a contract (a parsed contract or its text). */
export async function validateDataFile(file: string, contract: DataContract | string, options: ValidateOptions = {}): Promise<ValidationResult> {
  let parsed: DataContract;
  if (typeof contract === 'string') {
    const result = parseContract(contract);
    if (result.errors.length) {
      return { file, ...emptyReport(), issues: result.errors.map((e) => ({ kind: 'unreadable', message: `Contract: ${e.message}` })), failed: true, ok: false };
    }
    parsed = result.contract;
  } else {
    parsed = contract;
  }
  const sink = new ContractSink(parsed, options.maxViolations ?? 1000);
  const summary = await streamDataFile(file, sink, options);
  const report = sink.report;
  return { file, ...report, issues: summary.issues, failed: summary.failed, ok: !summary.failed && report.violationCount === 0 && summary.columns.length > 0 };
}

function emptyReport(): ContractReport {
  return { rows: 0, violationCount: 0, violations: [], byColumn: {}, badRows: 0, missingColumns: [], undeclaredColumns: [] };
}

/**
 * Validates every contract declared in a source file (`@data-contract`) against its data file. Contracts with
 * syntax errors or no resolvable path come back failed, with the reason as an issue.
 */
export async function validateDeclaredContracts(sourceFile: string, sourceText: string, options: ValidateOptions = {}): Promise<ValidationResult[]> {
  const results: ValidationResult[] = [];
  for (const declared of findDataContracts(sourceFile, sourceText)) {
    const file = declared.resolvedPath ?? declared.path ?? '(no file)';
    if (declared.errors.length || !declared.resolvedPath) {
      const messages = declared.errors.map((e) => `${basename(sourceFile)}:${e.range.start.line + 1}: ${e.message}`);
      if (!declared.resolvedPath && declared.path) messages.push(`The contract's path ${declared.path} is not a local file.`);
      results.push({ file, ...emptyReport(), issues: messages.map((message) => ({ kind: 'unreadable', message })), failed: true, ok: false });
      continue;
    }
    results.push(await validateDataFile(declared.resolvedPath, declared.contract, options));
  }
  return results;
}

/** A short report for a terminal: a headline, then up to `maxLines` violations and the file's issues. */
export function formatValidation(result: ValidationResult, maxLines = 20): string {
  const name = basename(result.file);
  if (result.ok) return `data contract ok: ${name} (${result.rows.toLocaleString('en-US')} rows)`;
  const lines: string[] = [];
  if (result.failed) lines.push(`data contract not checked: ${name}`);
  else {
    const columns = Object.entries(result.byColumn)
      .map(([c, n]) => `${c} ${n}`)
      .join(', ');
    lines.push(
      `data contract broken: ${name}: ${result.violationCount.toLocaleString('en-US')} violation${result.violationCount === 1 ? '' : 's'} in ${result.badRows.toLocaleString('en-US')} of ${result.rows.toLocaleString('en-US')} rows${columns ? ` (${columns})` : ''}`,
    );
  }
  for (const issue of result.issues) lines.push(`  ${issue.message}`);
  for (const v of result.violations.slice(0, maxLines)) lines.push(`  ${formatViolation(name, v)}`);
  const hidden = result.violationCount - Math.min(maxLines, result.violations.length);
  if (hidden > 0) lines.push(`  … and ${hidden.toLocaleString('en-US')} more`);
  return lines.join('\n');
}
