// The JavaScript standard library as far as shapes need it: Math on known numbers, Array.from,
// Object.values/keys/entries, typed-array constructors (their length), and array and string methods
// (map, filter, slice, push, split, ...) with callbacks run through the evaluator. Anything else is
// unknown. It knows nothing about tfjs.

import type { Evaluator } from './evaluator';
import { Scope } from './scope';
import { elementSummary } from './members';
import {
  type ArrayValue,
  type NativeCall,
  type ObjectValue,
  type StringValue,
  type Value,
  UNDEFINED,
  UNKNOWN,
  arrayOf,
  arrayOfLength,
  bool,
  dimOf,
  joinAll,
  ITERATOR_KEY,
  iterableOf,
  joinValues,
  MATERIALIZE_CAP,
  namespace,
  native,
  num,
  numberOf,
  str,
  truthiness,
} from './values';
import { tfModuleFor } from './tfImports';


function mathFn(name: string, f: (...xs: number[]) => number): Value {
  return native(`Math.${name}`, (c) => {
    if (!c.argsComplete) return num();
    const xs = c.args.map(numberOf);
    if (xs.some((x) => x === undefined)) return num();
    return num(f(...(xs as number[])));
  });
}

function createMath(): Value {
  const fns: Record<string, (...xs: number[]) => number> = {
    abs: Math.abs, floor: Math.floor, ceil: Math.ceil, round: Math.round, trunc: Math.trunc, sqrt: Math.sqrt,
    cbrt: Math.cbrt, pow: Math.pow, min: Math.min, max: Math.max, sin: Math.sin, cos: Math.cos, tan: Math.tan,
    atan: Math.atan, atan2: Math.atan2, exp: Math.exp, log: Math.log, log2: Math.log2, log10: Math.log10,
    sign: Math.sign, hypot: Math.hypot, tanh: Math.tanh, asin: Math.asin, acos: Math.acos,
  };
  const props: Record<string, Value> = { PI: num(Math.PI), E: num(Math.E), random: native('Math.random', () => num()) };
  for (const [k, f] of Object.entries(fns)) props[k] = mathFn(k, f);
  return namespace('Math', props);
}

/** `new Float32Array(n)` / `new Uint8Array(array)`: only the length matters. */
function typedArrayConstructor(name: string): Value {
  return native(name, (c) => {
    const a = c.args[0];
    let length = a && a.kind === 'number' ? dimOf(a) : null;
    if (a && a.kind === 'array') length = a.length;
    const arr = arrayOfLength(length, num());
    arr.typed = true;
    return arr;
  });
}

function arrayFrom(c: NativeCall): Value {
  const source = c.args[0] ? iterableOf(c.args[0]) : undefined;
  const mapFn = c.args[1];
  let items: Value[] | undefined;
  let length: Value = num();
  if (source?.kind === 'array') {
    items = source.items;
    length = { kind: 'number', ...(source.length !== null ? (typeof source.length === 'number' ? { value: source.length } : { symbol: source.length }) : {}) };
  } else if (source?.kind === 'object') {
    length = source.props.get('length') ?? num();
    const n = numberOf(length);
    if (n !== undefined && n <= MATERIALIZE_CAP) items = Array.from({ length: n }, () => UNDEFINED);
  } else if (source?.kind === 'string' && source.value !== undefined) {
    items = [...source.value].map((ch) => str(ch));
  }
  if (items && items.length <= MATERIALIZE_CAP) {
    if (!mapFn || mapFn.kind === 'undefined') return arrayOf([...items]);
    return arrayOf(items.map((item, i) => c.invoke(mapFn, [item, num(i)])));
  }
  const element = mapFn && mapFn.kind !== 'undefined' ? c.invoke(mapFn, [UNKNOWN, num()]) : UNKNOWN;
  return arrayOfLength(dimOf(length), element);
}

function objectStatic(): Value {
  const entriesOf = (v: Value | undefined): Array<[string, Value]> | undefined =>
    v?.kind === 'object' && !v.open ? [...v.props.entries()] : undefined;
  return namespace('Object', {
    values: native('Object.values', (c) => {
      const e = entriesOf(c.args[0]);
      return e ? arrayOf(e.map(([, v]) => v)) : arrayOfLength(null, UNKNOWN);
    }),
    keys: native('Object.keys', (c) => {
      const e = entriesOf(c.args[0]);
      return e ? arrayOf(e.map(([k]) => str(k))) : arrayOfLength(null, str());
    }),
    entries: native('Object.entries', (c) => {
      const e = entriesOf(c.args[0]);
      return e ? arrayOf(e.map(([k, v]) => arrayOf([str(k), v]))) : arrayOfLength(null, UNKNOWN);
    }),
    assign: native('Object.assign', (c) => {
      const target = c.args[0];
      if (target?.kind !== 'object') return UNKNOWN;
      for (const src of c.args.slice(1)) {
        if (src.kind === 'object') for (const [k, v] of src.props) target.props.set(k, v);
        else target.open = true;
      }
      return target;
    }),
    freeze: native('Object.freeze', (c) => c.args[0] ?? UNDEFINED),
  });
}

export function createGlobals(ev: Evaluator): Scope {
  const globals = new Scope(undefined);
  const identity = native('identity', (c) => c.args[0] ?? UNDEFINED);
  const openObject = native('object', () => ({ kind: 'object', props: new Map(), open: true }));
  const entries: Record<string, Value> = {
    Math: createMath(),
    Object: objectStatic(),
    Array: native('Array', (c) => {
      const n = c.args.length === 1 ? numberOf(c.args[0]) : undefined;
      if (n !== undefined) return n <= MATERIALIZE_CAP ? arrayOf(Array.from({ length: n }, () => UNDEFINED)) : arrayOfLength(n, UNDEFINED);
      return arrayOf([...c.args]);
    }, {
      from: native('Array.from', arrayFrom),
      isArray: native('Array.isArray', (c) => bool(c.args[0]?.kind === 'array' ? true : c.args[0]?.kind === 'unknown' ? undefined : false)),
      of: native('Array.of', (c) => arrayOf([...c.args])),
    }),
    Number: native('Number', (c) => {
      const v = c.args[0];
      if (v?.kind === 'number') return v;
      if (v?.kind === 'string' && v.value !== undefined) return num(Number(v.value));
      return num();
    }, {
      isInteger: native('Number.isInteger', (c) => { const n = numberOf(c.args[0]); return bool(n === undefined ? undefined : Number.isInteger(n)); }),
      parseInt: native('Number.parseInt', (c) => { const v = c.args[0]; return num(v?.kind === 'string' && v.value !== undefined ? parseInt(v.value, 10) : numberOf(v)); }),
      parseFloat: native('Number.parseFloat', (c) => { const v = c.args[0]; return num(v?.kind === 'string' && v.value !== undefined ? parseFloat(v.value) : numberOf(v)); }),
    }),
    String: native('String', () => str()),
    Boolean: native('Boolean', (c) => bool(c.args[0] ? truthiness(c.args[0]) : false)),
    parseInt: native('parseInt', (c) => { const s = c.args[0]; return num(s?.kind === 'string' && s.value !== undefined ? parseInt(s.value, 10) : undefined); }),
    parseFloat: native('parseFloat', (c) => { const s = c.args[0]; return num(s?.kind === 'string' && s.value !== undefined ? parseFloat(s.value) : undefined); }),
    console: namespace('console', { log: native('log', () => UNDEFINED), warn: native('warn', () => UNDEFINED), error: native('error', () => UNDEFINED), info: native('info', () => UNDEFINED), table: native('table', () => UNDEFINED) }),
    JSON: namespace('JSON', { stringify: native('JSON.stringify', () => str()), parse: native('JSON.parse', () => UNKNOWN) }),
    Promise: native('Promise', () => UNKNOWN, { all: identity, resolve: identity, allSettled: identity }),
    Map: openObject,
    Set: native('Set', (c) => {
      // `new Set(labels).size` counts classes; only a set of known primitives has a known size.
      const source = c.args[0];
      const keys = source?.kind === 'array' && source.items ? source.items.map((v) => (v.kind === 'number' || v.kind === 'string' ? v.value : undefined)) : undefined;
      const size = keys && keys.every((k) => k !== undefined) ? num(new Set(keys).size) : num();
      const values = keys && keys.every((k) => k !== undefined) ? arrayOf([...new Set(keys)].map((k) => (typeof k === 'number' ? num(k) : str(k as string)))) : undefined;
      const props = new Map<string, Value>([['size', size]]);
      if (values) {
        props.set('values', native('values', () => values));
        props.set(ITERATOR_KEY, values);
      }
      const set: ObjectValue = { kind: 'object', props, open: true };
      // Any change forgets what the set holds.
      const forget = native('change', () => {
        set.props = new Map<string, Value>([['size', num()]]);
        return set;
      });
      for (const m of ['add', 'delete', 'clear']) props.set(m, forget);
      return set;
    }),
    WeakMap: openObject,
    Date: openObject,
    Error: openObject,
    TypeError: openObject,
    Float32Array: typedArrayConstructor('Float32Array'),
    Float64Array: typedArrayConstructor('Float64Array'),
    Int32Array: typedArrayConstructor('Int32Array'),
    Uint8Array: typedArrayConstructor('Uint8Array'),
    Uint8ClampedArray: typedArrayConstructor('Uint8ClampedArray'),
    Int8Array: typedArrayConstructor('Int8Array'),
    Int16Array: typedArrayConstructor('Int16Array'),
    Uint16Array: typedArrayConstructor('Uint16Array'),
    Uint32Array: typedArrayConstructor('Uint32Array'),
    require: native('require', (c) => {
      const s = c.args[0];
      return s?.kind === 'string' && s.value !== undefined ? tfModuleFor(ev, s.value) ?? UNKNOWN : UNKNOWN;
    }),
  };
  for (const [k, v] of Object.entries(entries)) globals.declare(k, v);
  return globals;
}

function lengthOf(arr: ArrayValue): number | undefined {
  return typeof arr.length === 'number' ? arr.length : undefined;
}

function relativeIndex(v: Value | undefined, length: number, fallback: number): number | undefined {
  if (v === undefined || v.kind === 'undefined') return fallback;
  const n = numberOf(v);
  if (n === undefined) return undefined;
  const i = Math.trunc(n);
  return i < 0 ? Math.max(length + i, 0) : Math.min(i, length);
}

/** Array methods. Callbacks run once per known element, or once over the element summary. */
export function arrayMember(ev: Evaluator, arr: ArrayValue, name: string): Value {
  const summary = () => elementSummary(arr);
  const mutate = (f: (items: Value[]) => Value, fallback: () => Value): Value => {
    if (arr.items && !ev.uncertain && !arr.typed) return f(arr.items);
    return fallback();
  };
  const forgetLength = (added?: Value) => {
    delete arr.items;
    arr.length = null;
    if (added) arr.element = joinValues(arr.element, added);
  };
  switch (name) {
    case 'push':
    case 'unshift':
      return native(name, (c) => mutate((items) => {
        if (!c.argsComplete) {
          forgetLength(UNKNOWN);
          return num();
        }
        if (name === 'push') items.push(...c.args);
        else items.unshift(...c.args);
        arr.length = items.length;
        arr.element = joinValues(arr.element, joinAll(c.args));
        if (items.length > MATERIALIZE_CAP) delete arr.items;
        return num(items.length);
      }, () => {
        if (!arr.items && typeof arr.length === 'number' && !ev.uncertain && c.argsComplete) {
          arr.length += c.args.length;
          arr.element = joinValues(arr.element, joinAll(c.args));
        } else forgetLength(joinAll(c.args));
        return num();
      }));
    case 'pop':
    case 'shift':
      return native(name, () => mutate((items) => {
        const v = (name === 'pop' ? items.pop() : items.shift()) ?? UNDEFINED;
        arr.length = items.length;
        return v;
      }, () => {
        forgetLength();
        return summary();
      }));
    case 'splice':
    case 'sort':
    case 'reverse':
    case 'fill':
      return native(name, (c) => {
        if (name === 'fill' && arr.items && !ev.uncertain) {
          for (let i = 0; i < arr.items.length; i++) arr.items[i] = c.args[0] ?? UNDEFINED;
          arr.element = c.args[0] ?? UNDEFINED;
          return arr;
        }
        if (name === 'splice') forgetLength();
        else if (arr.items) {
          delete arr.items;
        }
        return name === 'splice' ? arrayOfLength(null, summary()) : arr;
      });
    case 'slice':
      return native(name, (c) => {
        const len = lengthOf(arr);
        if (len === undefined) return arrayOfLength(null, summary());
        const start = relativeIndex(c.args[0], len, 0);
        const end = relativeIndex(c.args[1], len, len);
        if (start === undefined || end === undefined) return arrayOfLength(null, summary());
        if (arr.items) return arrayOf(arr.items.slice(start, end));
        return arrayOfLength(Math.max(end - start, 0), summary());
      });
    case 'concat':
      return native(name, (c) => {
        let items: Value[] | undefined = arr.items ? [...arr.items] : undefined;
        let length = arr.length;
        let element = arr.element;
        for (const a of c.args) {
          if (a.kind === 'array') {
            items = items && a.items ? [...items, ...a.items] : undefined;
            length = typeof length === 'number' && typeof a.length === 'number' ? length + a.length : null;
            element = joinValues(element, a.element);
          } else {
            items = items ? [...items, a] : undefined;
            length = typeof length === 'number' ? length + 1 : null;
            element = joinValues(element, a);
          }
        }
        return items ? arrayOf(items) : arrayOfLength(length, element);
      });
    case 'map':
      return native(name, (c) => {
        const fn = c.args[0];
        if (!fn) return UNKNOWN;
        if (arr.items) return arrayOf(arr.items.map((item, i) => c.invoke(fn, [item, num(i), arr])));
        return arrayOfLength(arr.length, uncertainly(ev, () => c.invoke(fn, [summary(), num(), arr])));
      });
    case 'flatMap':
      return native(name, (c) => {
        const fn = c.args[0];
        if (!fn || !arr.items) return arrayOfLength(null, UNKNOWN);
        const parts = arr.items.map((item, i) => c.invoke(fn, [item, num(i), arr]));
        const out: Value[] = [];
        for (const p of parts) {
          if (p.kind === 'array' && p.items) out.push(...p.items);
          else if (p.kind === 'array') return arrayOfLength(null, UNKNOWN);
          else out.push(p);
        }
        return arrayOf(out);
      });
    case 'forEach':
      return native(name, (c) => {
        const fn = c.args[0];
        if (!fn) return UNDEFINED;
        if (arr.items) arr.items.forEach((item, i) => c.invoke(fn, [item, num(i), arr]));
        else uncertainly(ev, () => c.invoke(fn, [summary(), num(), arr]));
        return UNDEFINED;
      });
    case 'filter':
      return native(name, (c) => {
        const fn = c.args[0];
        if (!fn) return UNKNOWN;
        if (arr.items) {
          const kept: Value[] = [];
          for (let i = 0; i < arr.items.length; i++) {
            const t = truthiness(c.invoke(fn, [arr.items[i], num(i), arr]));
            if (t === undefined) return arrayOfLength(null, summary());
            if (t) kept.push(arr.items[i]);
          }
          return arrayOf(kept);
        }
        uncertainly(ev, () => c.invoke(fn, [summary(), num(), arr]));
        return arrayOfLength(null, summary());
      });
    case 'reduce':
      return native(name, (c) => {
        const fn = c.args[0];
        if (!fn || !arr.items) return UNKNOWN;
        let acc: Value | undefined = c.args.length > 1 ? c.args[1] : undefined;
        arr.items.forEach((item, i) => {
          acc = acc === undefined ? item : c.invoke(fn, [acc, item, num(i), arr]);
        });
        return acc ?? UNKNOWN;
      });
    case 'find':
    case 'findIndex':
    case 'some':
    case 'every':
      return native(name, (c) => {
        const fn = c.args[0];
        if (!fn || !arr.items) return name === 'find' ? summary() : name === 'findIndex' ? num() : bool();
        for (let i = 0; i < arr.items.length; i++) {
          const t = truthiness(c.invoke(fn, [arr.items[i], num(i), arr]));
          if (t === undefined) return name === 'find' ? summary() : name === 'findIndex' ? num() : bool();
          if (t && name !== 'every') return name === 'find' ? arr.items[i] : name === 'findIndex' ? num(i) : bool(true);
          if (!t && name === 'every') return bool(false);
        }
        return name === 'find' ? UNDEFINED : name === 'findIndex' ? num(-1) : bool(name === 'every');
      });
    case 'indexOf':
    case 'includes':
      return native(name, (c) => {
        const needle = c.args[0];
        if (!arr.items || !needle) return name === 'includes' ? bool() : num();
        for (let i = 0; i < arr.items.length; i++) {
          const item = arr.items[i];
          const known = (item.kind === 'string' || item.kind === 'number') && item.kind === needle.kind && item.value !== undefined && (needle as StringValue).value !== undefined;
          if (!known) return name === 'includes' ? bool() : num();
          if ((item as StringValue).value === (needle as StringValue).value) return name === 'includes' ? bool(true) : num(i);
        }
        return name === 'includes' ? bool(false) : num(-1);
      });
    case 'join':
      return native(name, () => str());
    case 'at':
      return native(name, (c) => {
        const i = numberOf(c.args[0]);
        if (!arr.items || i === undefined) return summary();
        return arr.items[i < 0 ? arr.items.length + i : i] ?? UNDEFINED;
      });
    case 'flat':
      return native(name, () => {
        if (!arr.items) return arrayOfLength(null, UNKNOWN);
        const out: Value[] = [];
        for (const item of arr.items) {
          if (item.kind === 'array' && item.items) out.push(...item.items);
          else if (item.kind === 'array') return arrayOfLength(null, UNKNOWN);
          else out.push(item);
        }
        return arrayOf(out);
      });
    case 'keys':
      return native(name, () => (arr.items ? arrayOf(arr.items.map((_, i) => num(i))) : arrayOfLength(arr.length, num())));
    case 'entries':
      return native(name, () => (arr.items ? arrayOf(arr.items.map((v, i) => arrayOf([num(i), v]))) : arrayOfLength(arr.length, UNKNOWN)));
    default:
      return UNKNOWN;
  }
}

function uncertainly<T>(ev: Evaluator, f: () => T): T {
  ev.uncertainDepth++;
  try {
    return f();
  } finally {
    ev.uncertainDepth--;
  }
}

export function stringMember(s: StringValue, name: string): Value {
  const text = s.value;
  switch (name) {
    case 'split':
      return native(name, (c) => {
        const sep = c.args[0];
        if (text === undefined || sep?.kind !== 'string' || sep.value === undefined) return arrayOfLength(null, str());
        return arrayOf(text.split(sep.value).map((p) => str(p)));
      });
    case 'toUpperCase':
    case 'toLowerCase':
    case 'trim':
      return native(name, () => str(text === undefined ? undefined : name === 'trim' ? text.trim() : name === 'toUpperCase' ? text.toUpperCase() : text.toLowerCase()));
    case 'startsWith':
    case 'endsWith':
    case 'includes':
      return native(name, (c) => {
        const a = c.args[0];
        if (text === undefined || a?.kind !== 'string' || a.value === undefined) return bool();
        return bool(name === 'startsWith' ? text.startsWith(a.value) : name === 'endsWith' ? text.endsWith(a.value) : text.includes(a.value));
      });
    default:
      return native(name, () => (name === 'indexOf' || name === 'charCodeAt' ? num() : str()));
  }
}

