// `mlts ui [--store DIR] [--port N]`: serves the run dashboard for a store on http://127.0.0.1 (for headless
// machines, or a remote box reached with `ssh -L`), with live updates while runs train, until Ctrl+C. Prints the
// URL on stdout. The server itself lives in ui/dashboardServer.ts.
import { join, resolve } from 'node:path';
import { RunStore, STORE_DIR } from '../../runtime/src/store/runStore';
import { UsageError, type CommandIO } from './commandIO';
import { defaultAssetDirs, startDashboardServer, type RunningDashboardServer } from './ui/dashboardServer';

export const UI_USAGE = `usage: mlts ui [--store DIR] [--port N]
`;

export interface UiArgs {
  store: string | undefined;
  port: number;
}

export function parseUiArgs(args: string[]): UiArgs {
  const parsed: UiArgs = { store: undefined, port: 0 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case '--store':
        parsed.store = value();
        break;
      case '--port': {
        const port = value();
        if (!/^\d+$/.test(port) || Number(port) > 65535) throw new UsageError(`--port wants a number from 0 to 65535, not ${port}`);
        parsed.port = Number(port);
        break;
      }
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  return parsed;
}

/** Starts the server; resolves with exit status 0 once SIGINT or SIGTERM stops it (or `stop` resolves). */
export async function runUiCommand(args: string[], io: CommandIO, stop?: Promise<void>): Promise<number> {
  let parsed: UiArgs;
  try {
    parsed = parseUiArgs(args);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`mlts ui: ${err.message}\n\n${UI_USAGE}`);
      return 2;
    }
    throw err;
  }
  const storeDir = parsed.store ? resolve(io.cwd, parsed.store) : join(io.cwd, STORE_DIR);
  const storeProblem = new RunStore(storeDir).storeProblem();
  if (storeProblem) {
    io.stderr(`mlts ui: ${storeProblem}\n`);
    return 2;
  }
  let server: RunningDashboardServer;
  try {
    server = await startDashboardServer({ storeDir, port: parsed.port, ...defaultAssetDirs() });
  } catch (err) {
    // Only a failed listen is the port's fault; anything else is said as it is.
    const listen = (err as NodeJS.ErrnoException).syscall === 'listen';
    io.stderr(`mlts ui: ${listen ? `could not listen on 127.0.0.1:${parsed.port}: ` : 'could not start: '}${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  io.stdout(`${server.url}\n`);
  io.stderr(`mlts ui: dashboard of ${storeDir} at ${server.url} (loopback only; Ctrl+C stops)\n`);
  await new Promise<void>((done) => {
    const finish = () => {
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      done();
    };
    process.on('SIGINT', finish);
    process.on('SIGTERM', finish);
    void stop?.then(finish);
  });
  await server.close();
  return 0;
}
