// The `mlts` command line: `mlts check | run | runs | ui | export`. It parses the subcommand and hands the rest of
// the arguments to that command's module; commands print through CommandIO and return an exit status.
// This file is the whole of dist/cli.js, kept small on purpose: each subcommand is its own bundle, loaded only
// when called (with a V8 code cache, see commandModules.ts), so `mlts check` never loads the run or ui code.
import { isUsageError, processIO, UsageError, type CommandIO } from './commandIO';
import { loadCommand, writeCommandCaches } from './commandModules';
import { diskFullText } from '../../runtime/src/store/diskFull';

export const USAGE = `usage: mlts <command> [options]

commands:
  check [paths or globs...] [--format text|json]   check tensor shapes statically (exit 1 on errors)
      [--stats]                                      also print per file: models analysed/unknown, shape coverage
  run FILE [--param k=v]... [--grid k=v1,v2]...      run an experiment as tracked runs (a grid runs in parallel)
      [--backend auto|cpu|wasm|webgpu|node|node-gpu] [--parallel N] [--threads N] [--store DIR] [--detach]
      [--executor local|slurm] [--gpus-per-run N] [--partition P] [--time HH:MM:SS] [--sbatch-arg ARG]...
  runs [RUN_ID] [--store DIR] [--format text|json]  list tracked runs, or show one with its metrics
      [--cancel RUN_ID|GRID]                         cancel a run or a grid (scancel on Slurm, SIGTERM locally)
  ui [--store DIR] [--port N]                        serve the run dashboard on 127.0.0.1
  export FILE --to html|ipynb|md [-o PATH]           write the cells with their saved outputs as a report,
      [--store DIR]                                  a Jupyter notebook or Markdown
  help                                               show this text
`;

const NOT_YET: Record<string, string> = {};

/** Runs one command; `run` waits for its processes, so it answers with a promise. */
export function main(argv: string[], io: CommandIO = processIO): number | Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return loadCommand('check').runCheck(rest, io);
      case 'run':
        return loadCommand('run')
          .runRunCommand(rest, io)
          .catch((err: unknown) => {
            const diskFull = diskFullText(err);
            if (diskFull) {
              io.stderr(`mlts run: ${diskFull}\n`);
              return 1;
            }
            io.stderr(`mlts: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
            return 2;
          });
      case 'runs':
        return loadCommand('runs').runRunsCommand(rest, io);
      case 'ui':
        return loadCommand('ui').runUiCommand(rest, io);
      case 'export':
        return loadCommand('export').runExportCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE);
        return command === undefined ? 2 : 0;
      default:
        if (command in NOT_YET) {
          io.stderr(`mlts ${command}: ${NOT_YET[command]} are not part of this build yet.\n`);
          return 2;
        }
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (err) {
    // A command's bundle has its own copy of UsageError, hence the check by name rather than instanceof.
    if (isUsageError(err)) {
      io.stderr(`mlts: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    const diskFull = diskFullText(err);
    if (diskFull) {
      io.stderr(`mlts ${command}: ${diskFull}\n`);
      return 1;
    }
    io.stderr(`mlts: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 2;
  }
}

/**
 * A reader that went away (`mlts runs | head`) closes the pipe: that ends the command quietly, as the shell's own
 * tools do, instead of a stack trace about EPIPE.
 */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

if (require.main === module) {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  void Promise.resolve(main(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
    writeCommandCaches();
  });
}
