// The static parameter check `mlts run` does before starting anything: the file's `/** @mlts-params */` declaration,
// read with the TypeScript compiler API (paramsDeclaration.ts), merged with one set of overrides. An unknown name
// or a value that does not fit its default's type throws ParamsError. Defaults that are expressions are only known
// when the run evaluates them, so their overrides pass through as text and the run coerces them.
import { basename } from 'node:path';
import type { ParamValue } from '../store/runRecord';
import { readParamsDeclaration } from './paramsDeclaration';
import { coerceParam, ParamsError, type Overrides } from './paramsValues';

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
    params[name] = declared.value === undefined ? raw : coerceParam(name, raw, declared.value);
  }
  return params;
}

