// Turns "run this file with these overrides" into queued runs in the store: checks the overrides against the
// file's static parameter declaration (so a typo fails before any process starts), and writes one queued
// RunRecord per parameter set with what is known before the run: file hash, git state, parameters as far as
// they can be read statically, the backend asked for. The run process fills in the rest when it starts.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, relative } from 'node:path';
import { readParamsDeclaration } from '../params/paramsDeclaration';
import { coerceParam, ParamsError, type Overrides } from '../params/paramsValues';
import { newRunId, type RunStore } from '../store/runStore';
import { newRunRecord, type ParamValue, type RunRecord } from '../store/runRecord';
import { readGitState } from './gitState';

export interface RunFileRequest {
  file: string;
  workspace: string;
  /** One entry per run (a grid expands to many). */
  parameterSets: Overrides[];
  requestedBackend: string;
  group: string | null;
}

/** Static parameters of the file merged with one set of overrides; throws ParamsError on unknown or bad values. */
export function staticParams(text: string, file: string, overrides: Overrides): Record<string, ParamValue> {
  const declaration = readParamsDeclaration(text, file);
  if (!declaration) {
    const names = Object.keys(overrides);
    if (names.length) throw new ParamsError(`${basename(file)} declares no parameters, so ${names.join(', ')} cannot be set; add a /** @mlts-params */ object`);
    return {};
  }
  const params: Record<string, ParamValue> = {};
  for (const p of declaration.params) if (p.value !== undefined) params[p.name] = p.value;
  const known = declaration.params.map((p) => p.name);
  for (const [name, raw] of Object.entries(overrides)) {
    const declared = declaration.params.find((p) => p.name === name);
    if (!declared) throw new ParamsError(`unknown parameter ${name}; ${basename(file)} declares ${known.join(', ') || 'none'}`);
    // A default that is an expression is only known when the run evaluates it; the run coerces then.
    params[name] = declared.value === undefined ? raw : coerceParam(name, raw, declared.value);
  }
  return params;
}

/** Creates one queued run per parameter set; returns their records in order. */
export function createQueuedRuns(store: RunStore, request: RunFileRequest): RunRecord[] {
  const text = readFileSync(request.file, 'utf8');
  const fileHash = createHash('sha256').update(text).digest('hex');
  const params = request.parameterSets.map((overrides) => staticParams(text, request.file, overrides));
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
    });
    store.create(record);
    return record;
  });
}
