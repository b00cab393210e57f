// The arguments of `mlts run`: parsed into RunArgs with every mistake a UsageError naming the option, before
// anything is created or submitted. Kept apart from runCommand.ts, which acts on them.
import { isBackendRequest, type BackendRequest } from '../../runtime/src/backends/backendOptions';
import { parseWasmThreads } from '../../runtime/src/backends/wasmThreads';
import { parseAssignment, parseGridArg, ParamsError, type Overrides } from '../../runtime/src/params/paramsValues';
import type { ExecutorName } from '../../runtime/src/store/runRecord';
import { SLURM_TIME_LIMIT } from '../../runtime/src/executors/slurmChoices';
import { UsageError } from './commandIO';

export const RUN_USAGE = `usage: mlts run FILE [--param k=v]... [--grid k=v1,v2,...]... [--backend auto|cpu|wasm|webgpu|node|node-gpu]
                [--name NAME] [--parallel N] [--threads N] [--store DIR] [--detach]
                [--executor local|slurm] [--gpus-per-run N] [--partition P] [--time HH:MM:SS] [--sbatch-arg ARG]...
`;

/** Hidden option: the detached launcher that `mlts run --detach` starts takes over runs already queued. */
export const ADOPT_OPTION = '--adopt';

export interface RunArgs {
  file: string;
  params: Overrides;
  grid: [string, string[]][];
  backend: BackendRequest;
  parallel: number | undefined;
  /** wasm threads per run; undefined: DEFAULT_WASM_THREADS. */
  threads: number | undefined;
  store: string | undefined;
  detach: boolean;
  executor: ExecutorName;
  gpusPerRun: number;
  partition: string | undefined;
  timeLimit: string | undefined;
  sbatchArgs: string[];
  /** Run ids a detached launcher adopts instead of queuing new ones. */
  adopt: string[];
  /** A name the dashboard shows instead of the run id. */
  name: string | undefined;
}

function optionValue(args: string[], i: number, name: string): [string, number] {
  const arg = args[i]!;
  if (arg.startsWith(`${name}=`)) return [arg.slice(name.length + 1), i];
  const value = args[i + 1];
  if (value === undefined) throw new UsageError(`${name} needs a value`);
  return [value, i + 1];
}

function wholeNumber(name: string, value: string, least: number): number {
  if (!/^\d+$/.test(value) || Number(value) < least) throw new UsageError(`${name} wants a whole number of at least ${least}, not ${value}`);
  return Number(value);
}

export function parseRunArgs(args: string[]): RunArgs {
  const parsed: RunArgs = {
    file: '',
    params: {},
    grid: [],
    backend: 'auto',
    parallel: undefined,
    threads: undefined,
    store: undefined,
    detach: false,
    executor: 'local',
    gpusPerRun: 0,
    partition: undefined,
    timeLimit: undefined,
    sbatchArgs: [],
    adopt: [],
    name: undefined,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg.startsWith('--') ? arg.split('=')[0]! : '';
    let value: string;
    try {
      switch (name) {
        case '--param': {
          [value, i] = optionValue(args, i, name);
          const [key, v] = parseAssignment(value);
          parsed.params[key] = v;
          break;
        }
        case '--grid':
          [value, i] = optionValue(args, i, name);
          parsed.grid.push(parseGridArg(value));
          break;
        case '--backend':
          [value, i] = optionValue(args, i, name);
          if (!isBackendRequest(value)) throw new UsageError(`--backend must be auto, cpu, wasm, webgpu, node or node-gpu, not ${value}`);
          parsed.backend = value;
          break;
        case '--parallel':
          [value, i] = optionValue(args, i, name);
          parsed.parallel = wholeNumber(name, value, 1);
          break;
        case '--threads':
          [value, i] = optionValue(args, i, name);
          try {
            parsed.threads = parseWasmThreads(value);
          } catch (err) {
            throw new UsageError(`--${(err as Error).message}`);
          }
          break;
        case '--store':
          [value, i] = optionValue(args, i, name);
          parsed.store = value;
          break;
        case '--name':
          [value, i] = optionValue(args, i, name);
          if (!value.trim() || value.length > 200) throw new UsageError('--name wants a name of 1 to 200 characters');
          parsed.name = value.trim();
          break;
        case '--detach':
          parsed.detach = true;
          break;
        case '--executor':
          [value, i] = optionValue(args, i, name);
          if (value !== 'local' && value !== 'slurm') throw new UsageError(`--executor must be local or slurm, not ${value}`);
          parsed.executor = value;
          break;
        case '--gpus-per-run':
          [value, i] = optionValue(args, i, name);
          parsed.gpusPerRun = wholeNumber(name, value, 0);
          break;
        case '--partition':
          [value, i] = optionValue(args, i, name);
          parsed.partition = value;
          break;
        case '--time':
          [value, i] = optionValue(args, i, name);
          if (!SLURM_TIME_LIMIT.test(value)) throw new UsageError(`--time wants HH:MM:SS (or D-HH:MM:SS), not ${value}`);
          parsed.timeLimit = value;
          break;
        case '--sbatch-arg':
          [value, i] = optionValue(args, i, name);
          parsed.sbatchArgs.push(value);
          break;
        case ADOPT_OPTION:
          [value, i] = optionValue(args, i, name);
          parsed.adopt = value.split(',').filter(Boolean);
          break;
        case '':
          if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
          if (parsed.file) throw new UsageError(`one file per run; got ${parsed.file} and ${arg}`);
          parsed.file = arg;
          break;
        default:
          throw new UsageError(`unknown option ${arg}`);
      }
    } catch (err) {
      if (err instanceof ParamsError) throw new UsageError(err.message);
      throw err;
    }
  }
  if (!parsed.file) throw new UsageError('which file? mlts run FILE');
  const gridNames = parsed.grid.map(([n]) => n);
  const twice = gridNames.find((n, i) => gridNames.indexOf(n) !== i || n in parsed.params);
  if (twice) throw new UsageError(`parameter ${twice} is given more than once`);
  if (parsed.executor === 'local') {
    const slurmOnly = [parsed.gpusPerRun > 0 && '--gpus-per-run', parsed.partition !== undefined && '--partition', parsed.timeLimit !== undefined && '--time', parsed.sbatchArgs.length > 0 && '--sbatch-arg'].filter(Boolean);
    if (slurmOnly.length) throw new UsageError(`${slurmOnly.join(', ')} ${slurmOnly.length === 1 ? 'needs' : 'need'} --executor slurm`);
  }
  return parsed;
}
