// Checks records against a data contract as they stream by: missing and (for closed contracts) undeclared
// columns once at the header, then every cell of every declared column, counting all violations and keeping
// the first `maxViolations` (row = 1-based file line, column, value, rule, reason). It never stops at the
// first violation. Used by the full validation (validate.ts), the static sample check (contractCheck.ts) and
// the profile panel (beside the profiler, in the same pass).
import { checkCell, type ColumnRule, type DataContract } from './contract';
import type { RecordSink, RecordView } from './records';

export interface ContractViolation {
  /** 1-based line of the data file; 1 (the header) for a missing or undeclared column. */
  line: number;
  column: string;
  /** The cell as written (cut to 80 characters); '' for a missing cell or column. */
  value: string;
  /** The column's rule as written in the contract, e.g. `int in [0, 1, 2]`. */
  rule: string;
  /** Why the value breaks the rule, e.g. `not a number`. */
  reason: string;
}

export interface ContractReport {
  rows: number;
  /** Every violation counted, including those not kept. */
  violationCount: number;
  violations: ContractViolation[];
  /** Violations per column (all counted). */
  byColumn: Record<string, number>;
  /** Rows with at least one violation (all counted). */
  badRows: number;
  missingColumns: string[];
  undeclaredColumns: string[];
}

export class ContractSink implements RecordSink {
  private indexes: { rule: ColumnRule; index: number }[] = [];
  private lastBadLine = -1;
  readonly report: ContractReport = { rows: 0, violationCount: 0, violations: [], byColumn: {}, badRows: 0, missingColumns: [], undeclaredColumns: [] };

  constructor(
    private readonly contract: DataContract,
    private readonly maxViolations = 1000,
  ) {}

  header(columns: string[]): void {
    const report = this.report;
    this.indexes = [];
    for (const rule of this.contract.columns) {
      const index = columns.indexOf(rule.name);
      if (index >= 0) this.indexes.push({ rule, index });
      else {
        report.missingColumns.push(rule.name);
        this.add({ line: 1, column: rule.name, value: '', rule: rule.text, reason: 'the file has no such column' });
      }
    }
    if (!this.contract.open) {
      const declared = new Set(this.contract.columns.map((c) => c.name));
      for (const column of columns) {
        if (declared.has(column)) continue;
        report.undeclaredColumns.push(column);
        this.add({ line: 1, column, value: '', rule: '(not declared)', reason: 'the contract does not declare this column; end it with `...` to allow others' });
      }
    }
  }

  record(row: RecordView): void {
    this.report.rows++;
    const indexes = this.indexes;
    for (let k = 0; k < indexes.length; k++) {
      const { rule, index } = indexes[k]!;
      if (index >= row.count) {
        this.violation(row.line, rule, '', `the row has only ${row.count} field${row.count === 1 ? '' : 's'}`);
        continue;
      }
      // The common case, a number in a numeric column within its bounds, needs no string.
      const number = row.number(index);
      if (number === number && (rule.type === 'number' || (rule.type === 'int' && Number.isInteger(number))) && !rule.allowed && !rule.pattern) {
        if ((rule.min === undefined || number >= rule.min) && (rule.max === undefined || number <= rule.max)) continue;
      }
      const missing = row.missing(index);
      const text = missing ? '' : row.text(index).trim();
      const reason = checkCell(rule, { missing, text, number });
      if (reason) this.violation(row.line, rule, text, reason);
    }
  }

  private violation(line: number, rule: ColumnRule, value: string, reason: string): void {
    if (line !== this.lastBadLine) {
      this.report.badRows++;
      this.lastBadLine = line;
    }
    this.add({ line, column: rule.name, value: value.length > 80 ? `${value.slice(0, 77)}…` : value, rule: rule.text, reason });
  }

  private add(violation: ContractViolation): void {
    const report = this.report;
    report.violationCount++;
    report.byColumn[violation.column] = (report.byColumn[violation.column] ?? 0) + 1;
    if (report.violations.length < this.maxViolations) report.violations.push(violation);
  }
}

/** One line per violation, for terminals and logs: `flowers.csv:12: species = "3": not one of [0, 1, 2] (int in [0, 1, 2])`. */
export function formatViolation(file: string, v: ContractViolation): string {
  const value = v.value === '' ? '(empty)' : JSON.stringify(v.value);
  return `${file}:${v.line}: ${v.column} = ${value}: ${v.reason} (${v.rule})`;
}
