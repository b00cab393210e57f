// The typed protocol between the extension and the run launcher webview: the host tells the panel which `.ml.ts`
// files there are, the chosen file's declared parameters (read statically, never by running the file), which
// backends are installed and whether a Slurm cluster answers (with its partitions); the panel asks to launch a grid
// on this machine or on the cluster. Launching runs user code, so the host checks workspace trust and validates the
// grid and the Slurm choices again; the guards below check everything the panel sends. No vscode, no DOM.
import type { ParamValue } from '../../runtime/src/store/runRecord';
import { splitValues } from '../../runtime/src/params/paramsValues';
import { MAX_PARALLEL, type SlurmChoices } from '../../runtime/src/executors/slurmChoices';

export interface LauncherParam {
  name: string;
  type: 'number' | 'string' | 'boolean' | 'null' | 'array' | 'object' | 'expression';
  /** The default as written in the file. */
  text: string;
  /** The default when it is a literal. */
  value?: ParamValue;
}

export interface BackendAvailability {
  /** `auto`, `cpu`, `wasm`, `webgpu`, `node` or `node-gpu`. */
  option: string;
  available: boolean;
  /** Why not, or what it will use. */
  note: string;
}

/** Where a launch runs: this machine, or the Slurm cluster whose client commands this machine has. */
export type LaunchTargetChoice = { kind: 'local' } | ({ kind: 'slurm' } & SlurmChoices);

/** Whether `sinfo` answered on the host, and the partitions it listed (empty when it did not). */
export interface SlurmAvailability {
  available: boolean;
  partitions: string[];
  /** Why not, when it is not available. */
  note: string;
}

/** One grid axis: a parameter and the values (as text) it takes; the grid is their cross product. */
export interface GridAxis {
  name: string;
  values: string[];
}

// ---- extension → launcher ----
export type ToLauncher =
  | { type: 'files'; files: string[]; selected: string | null }
  | { type: 'declaration'; file: string; params: LauncherParam[]; problems: string[] }
  | { type: 'backends'; file: string; backends: BackendAvailability[]; cores: number }
  | { type: 'slurm'; slurm: SlurmAvailability }
  | { type: 'launched'; requestId: number; runIds: string[]; summary: string }
  | { type: 'launchFailed'; requestId: number; message: string };

// ---- launcher → extension ----
export type FromLauncher =
  | { type: 'ready' }
  | { type: 'pickFile'; file: string }
  | { type: 'launch'; requestId: number; file: string; grid: GridAxis[]; backend: string; parallel: number | null; target: LaunchTargetChoice }
  | { type: 'openDashboard' };

/** Most runs one launch may create; a typo like `1e6` in a value list should not fork a million processes. */
export const MAX_LAUNCH_RUNS = 1000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isGridAxis(v: unknown): v is GridAxis {
  return isRecord(v) && typeof v.name === 'string' && /^[A-Za-z_$][\w$]*$/.test(v.name) && Array.isArray(v.values) && v.values.length > 0 && v.values.length <= MAX_LAUNCH_RUNS && v.values.every((x) => typeof x === 'string');
}

export function isFromLauncher(v: unknown): v is FromLauncher {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
    case 'openDashboard':
      return true;
    case 'pickFile':
      return typeof v.file === 'string';
    case 'launch':
      return (
        Number.isInteger(v.requestId) &&
        typeof v.file === 'string' &&
        Array.isArray(v.grid) &&
        v.grid.every(isGridAxis) &&
        typeof v.backend === 'string' &&
        (v.parallel === null || (Number.isInteger(v.parallel) && (v.parallel as number) >= 1 && (v.parallel as number) <= MAX_PARALLEL)) &&
        isLaunchTargetChoice(v.target)
      );
    default:
      return false;
  }
}

/** The shape of a target; whether its Slurm values make sense is slurmChoicesProblems's question. */
export function isLaunchTargetChoice(v: unknown): v is LaunchTargetChoice {
  if (!isRecord(v)) return false;
  if (v.kind === 'local') return true;
  return v.kind === 'slurm' && (v.partition === null || typeof v.partition === 'string') && typeof v.gpusPerRun === 'number' && (v.timeLimit === null || typeof v.timeLimit === 'string');
}

export function isToLauncher(v: unknown): v is ToLauncher {
  return isRecord(v) && ['files', 'declaration', 'backends', 'slurm', 'launched', 'launchFailed'].includes(v.type as string);
}

/** Parses a value list as typed in the launcher (`0.01, 0.1` or `[1,2], [3]`); empty text means the default. */
export function parseValueList(text: string): string[] {
  return text.trim() === '' ? [] : splitValues(text).filter((v) => v !== '');
}

/** How many runs a grid makes: the product of its value lists' lengths (1 for no grid). */
export function runCount(grid: readonly GridAxis[]): number {
  return grid.reduce((n, axis) => n * axis.values.length, 1);
}
