// Parameter overrides: parsing `k=v` and `k=v1,v2` arguments, coercing a value given as text to the type of the
// parameter's default, merging overrides into the defaults (unknown names are an error that lists the known
// ones) and expanding a grid into the cross product of its value lists. Pure functions; the run process uses
// them with the defaults it actually evaluated, the CLI with the defaults it read statically.
import type { ParamValue } from '../store/runRecord';

/** A mistake in a parameter name or value; its message is written for the person who typed it. */
export class ParamsError extends Error {}

export type Overrides = Record<string, string>;

const NAME = /^[A-Za-z_$][\w$]*$/;

/** Splits `name=value` (the value may contain further `=`). */
export function parseAssignment(arg: string, option = '--param'): [string, string] {
  const eq = arg.indexOf('=');
  const name = eq < 0 ? '' : arg.slice(0, eq).trim();
  if (eq < 0 || !NAME.test(name)) throw new ParamsError(`${option} wants name=value, not "${arg}"`);
  return [name, arg.slice(eq + 1)];
}

/** Splits a grid's value list on commas outside brackets, braces and quotes, so JSON arrays stay whole. */
export function splitValues(list: string): string[] {
  const values: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (const ch of list) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      values.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  values.push(current);
  return values.map((v) => v.trim());
}

/** `name=v1,v2,...` → [name, [v1, v2, ...]]. */
export function parseGridArg(arg: string): [string, string[]] {
  const [name, list] = parseAssignment(arg, '--grid');
  const values = splitValues(list);
  if (values.some((v) => v === '')) throw new ParamsError(`--grid ${name} has an empty value in "${list}"`);
  return [name, values];
}

function describe(value: ParamValue): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Converts `raw` to the type of `defaultValue`; throws ParamsError when it does not fit. */
export function coerceParam(name: string, raw: string, defaultValue: ParamValue): ParamValue {
  const fail = (): never => {
    throw new ParamsError(`parameter ${name} is ${describe(defaultValue)} (default ${JSON.stringify(defaultValue)}); "${raw}" is not`);
  };
  switch (typeof defaultValue) {
    case 'number': {
      const n = raw.trim() === '' ? NaN : Number(raw);
      return Number.isNaN(n) ? fail() : n;
    }
    case 'boolean':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      return fail();
    case 'string':
      return raw;
    default: {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        // A null default takes any text; arrays and objects need JSON.
        return defaultValue === null ? raw : fail();
      }
      if (defaultValue === null) return parsed as ParamValue;
      if (Array.isArray(defaultValue) !== Array.isArray(parsed) || typeof parsed !== 'object' || parsed === null) return fail();
      return parsed as ParamValue;
    }
  }
}

/** Defaults with the overrides applied; an override for a parameter the file does not declare is an error. */
export function applyOverrides(defaults: Record<string, ParamValue>, overrides: Overrides): Record<string, ParamValue> {
  const merged: Record<string, ParamValue> = { ...defaults };
  for (const [name, raw] of Object.entries(overrides)) {
    if (!Object.hasOwn(defaults, name)) {
      const known = Object.keys(defaults);
      throw new ParamsError(
        `unknown parameter ${name}; ${known.length ? `this file declares ${known.join(', ')}` : 'this file declares no parameters (add a /** @mlts-params */ object)'}`,
      );
    }
    merged[name] = coerceParam(name, raw, defaults[name]!);
  }
  return merged;
}

/** The cross product of the grid's value lists, each combined with the fixed overrides; first axis slowest. */
export function expandGrid(fixed: Overrides, grid: [string, string[]][]): Overrides[] {
  let combos: Overrides[] = [{ ...fixed }];
  for (const [name, values] of grid) {
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [name]: value })));
  }
  return combos;
}
