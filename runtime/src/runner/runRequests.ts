// Turns "run this file with these overrides" into queued runs in the store: one queued RunRecord per parameter
// set with what is known before the run: file hash, git state, parameters as far as the caller's checker can
// read them, the backend asked for. The run process fills in the rest when it starts. The checker is injected:
// the CLI passes the TypeScript-based one (params/paramsCheck.ts) so a typo fails before any process starts;
// the extension, which does not bundle TypeScript, may leave the check to the run itself.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, relative } from 'node:path';
import type { Overrides } from '../params/paramsValues';
import { newRunId, type RunStore } from '../store/runStore';
import { newRunRecord, type ExecutorName, type ParamValue, type RunRecord } from '../store/runRecord';
import { readGitState } from './gitState';

export interface RunFileRequest {
  file: string;
  workspace: string;
  /** One entry per run (a grid expands to many). */
  parameterSets: Overrides[];
  requestedBackend: string;
  group: string | null;
  /** Where the runs will execute (default local) and whether they outlive their launcher (default not). */
  executor?: ExecutorName;
  detached?: boolean;
  /** A name for the runs (`mlts run --name`); every run of a grid gets it, their parameters tell them apart. */
  name?: string | null;
}

/** Reads a file's parameters merged with one set of overrides; throws ParamsError when they do not fit. */
export type ParamsChecker = (text: string, file: string, overrides: Overrides) => Record<string, ParamValue>;

/** The checker that checks nothing: parameters are the overrides as typed, until the run reports its own. */
export const uncheckedParams: ParamsChecker = (_text, _file, overrides) => ({ ...overrides });

/** Creates one queued run per parameter set; returns their records in order. Nothing is created if one fails. */
export function createQueuedRuns(store: RunStore, request: RunFileRequest, checkParams: ParamsChecker = uncheckedParams): RunRecord[] {
  const text = readFileSync(request.file, 'utf8');
  const fileHash = createHash('sha256').update(text).digest('hex');
  const params = request.parameterSets.map((overrides) => checkParams(text, request.file, overrides));
  const git = readGitState(dirname(request.file));
  return request.parameterSets.map((overrides, i) => {
    const record = newRunRecord({
      id: newRunId(basename(request.file)),
      file: request.file,
      relativeFile: relative(request.workspace, request.file) || basename(request.file),
      fileHash,
      git,
      params: params[i]!,
      overrides,
      requestedBackend: request.requestedBackend,
      node: process.version,
      host: hostname(),
      supervisorPid: process.pid,
      group: request.group,
      queuedAt: new Date().toISOString(),
      executor: request.executor ?? 'local',
      detached: request.detached ?? false,
      name: request.name ?? null,
    });
    store.create(record);
    return record;
  });
}
