// The typed protocol between the extension and the data-profile webview: the extension streams a data file
// (progress, then the profile and the rows that break the declared contract); the panel asks to open the data
// file at a line, to open the contract's source, or to profile again. Messages are discriminated on `type`; the
// extension checks everything the webview sends with `isFromProfileWebview`. Shared by extension/ and webviews/:
// no vscode, no DOM.
import type { ContractReport } from '../../runtime/src/data/contractSink';
import type { DataProfile } from '../../runtime/src/data/dataSummary';

export type { ColumnProfile, Histogram, RowValue } from '../../runtime/src/data/columnStats';
export type { DataProfile } from '../../runtime/src/data/dataSummary';
export type { ContractReport, ContractViolation } from '../../runtime/src/data/contractSink';

/** The contract found for the file in the workspace, with what checking the whole file gave. */
export interface ContractResult {
  /** The `.ml.ts` file declaring it. */
  source: string;
  /** 0-based line of the declaration. */
  line: number;
  /** The contract in its own syntax. */
  text: string;
  report: ContractReport;
  /** Other files declaring contracts on the same data (only the first is checked). */
  others: string[];
}

export interface ProfileState {
  /** Absolute path of the data file. */
  file: string;
  status: 'loading' | 'done' | 'failed';
  bytesRead: number;
  totalBytes: number;
  profile?: DataProfile;
  contract?: ContractResult;
  /** Why no contract is shown (none declared, or it has errors). */
  contractNote?: string;
  message?: string;
}

// ---- extension → webview ----
export type ToProfileWebview =
  | { type: 'reset'; state: ProfileState }
  | { type: 'progress'; bytesRead: number; totalBytes: number }
  | { type: 'profile'; profile: DataProfile; contract?: ContractResult; contractNote?: string }
  | { type: 'failed'; message: string };

// ---- webview → extension ----
export type FromProfileWebview =
  | { type: 'ready' }
  /** Opens the data file at a 1-based line. */
  | { type: 'openLine'; line: number }
  /** Opens the contract's declaration (0-based line). */
  | { type: 'openSource'; file: string; line: number }
  | { type: 'refresh' };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isFromProfileWebview(v: unknown): v is FromProfileWebview {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
    case 'refresh':
      return true;
    case 'openLine':
      return Number.isInteger(v.line) && (v.line as number) >= 1;
    case 'openSource':
      return typeof v.file === 'string' && v.file.length > 0 && Number.isInteger(v.line) && (v.line as number) >= 0;
    default:
      return false;
  }
}

/** A light structural check for messages into the webview (they come from our own extension host). */
export function isToProfileWebview(v: unknown): v is ToProfileWebview {
  return isRecord(v) && ['reset', 'progress', 'profile', 'failed'].includes(v.type as string);
}

export function initialProfileState(file: string): ProfileState {
  return { file, status: 'loading', bytesRead: 0, totalBytes: 0 };
}

/** Applies a message to a state; the extension keeps its copy with this too, so a re-shown panel gets `reset`. */
export function applyProfileMessage(state: ProfileState, message: ToProfileWebview): ProfileState {
  switch (message.type) {
    case 'reset':
      return message.state;
    case 'progress':
      return { ...state, status: 'loading', bytesRead: message.bytesRead, totalBytes: message.totalBytes };
    case 'profile':
      return {
        ...state,
        status: message.profile.failed ? 'failed' : 'done',
        bytesRead: message.profile.bytesRead,
        totalBytes: message.profile.bytes,
        profile: message.profile,
        contract: message.contract,
        contractNote: message.contractNote,
        message: message.profile.failed ? message.profile.issues[0]?.message : undefined,
      };
    case 'failed':
      return { ...state, status: 'failed', message: message.message };
  }
}

/** `1.2 MB`, `830 KB`, `12 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A number for a table cell: integers as they are, others to 4 significant digits. */
export function formatStat(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(3);
  return Number(value.toPrecision(4)).toString();
}
