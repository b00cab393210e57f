// Deep copies of the evaluator's state, for the snapshots incremental analysis takes at cell boundaries
// (incrementalAnalysis.ts). Abstract values are mutable (`model.add`, `layer.trainable = false`, array
// writes), so a snapshot must own its objects: a later statement changing a model must not change what
// the snapshot holds. The copy keeps the object graph's shape (shared references stay shared, cycles
// stay cycles) and prototypes (scopes), and does not copy what never changes: syntax nodes, JavaScript
// functions, and the natives the evaluator's globals and `tf` namespace are made of (the globals' scope itself is
// copied: user code may write to a global object).
//
// A native made during evaluation (a user class, `tf.grad(f)`, a stored `model.add`) closes over state
// a copy cannot reach, so copying one fails: the snapshot is not taken, and analysis restarts from an
// earlier one. Identity-keyed side tables of other modules (`sideTable`) follow their keys into the copy.

/** Weak tables keyed by state objects, whose entries a copy of the key must carry. */
const sideTables: Array<WeakMap<object, unknown> | WeakSet<object>> = [];

/** A WeakMap keyed by state objects that snapshots keep in step with their copies. */
export function sideTable<K extends object, V>(): WeakMap<K, V> {
  const table = new WeakMap<K, V>();
  sideTables.push(table as unknown as WeakMap<object, unknown>);
  return table;
}

/** A WeakSet of state objects that snapshots keep in step with their copies. */
export function sideSet<K extends object>(): WeakSet<K> {
  const set = new WeakSet<K>();
  sideTables.push(set as unknown as WeakSet<object>);
  return set;
}

/** Thrown when the state holds something that cannot be copied faithfully (see the header). */
export class StateNotCopyable extends Error {}

/** True for a TypeScript syntax node (abstract values' `kind` is a string, a node's a number). */
function isSyntaxNode(o: object): boolean {
  return typeof (o as { kind?: unknown }).kind === 'number' && typeof (o as { pos?: unknown }).pos === 'number';
}

function isNative(o: object): boolean {
  return (o as { kind?: unknown }).kind === 'native';
}

/**
 * Copies one state graph. `shared` objects are kept as they are (they never change); `memo` maps every
 * copied object to its copy, so one copier used for several roots keeps references between them.
 */
export class StateCopier {
  readonly memo = new Map<object, object>();

  constructor(private readonly shared: WeakSet<object>) {}

  copy<T>(value: T): T {
    if (value === null || typeof value !== 'object') return value;
    return this.copyObject(value as unknown as object) as T;
  }

  private copyObject(o: object): object {
    const done = this.memo.get(o);
    if (done) return done;
    if (this.shared.has(o) || isSyntaxNode(o)) return o;
    if (isNative(o)) throw new StateNotCopyable('a function value made during evaluation');
    let out: object;
    if (Array.isArray(o)) {
      const arr: unknown[] = new Array(o.length);
      this.memo.set(o, arr);
      for (let i = 0; i < o.length; i++) arr[i] = this.copy(o[i]);
      out = arr;
    } else if (o instanceof Map) {
      const map = new Map();
      this.memo.set(o, map);
      for (const [k, v] of o) map.set(this.copy(k), this.copy(v));
      out = map;
    } else if (o instanceof Set) {
      const set = new Set();
      this.memo.set(o, set);
      for (const v of o) set.add(this.copy(v));
      out = set;
    } else {
      const obj = Object.create(Object.getPrototypeOf(o) as object | null) as Record<string, unknown>;
      this.memo.set(o, obj);
      for (const key of Object.keys(o)) obj[key] = this.copy((o as Record<string, unknown>)[key]);
      out = obj;
    }
    for (const table of sideTables) {
      if (!table.has(o)) continue;
      if (table instanceof WeakSet) table.add(out);
      else table.set(out, this.copy(table.get(o)));
    }
    return out;
  }
}

/**
 * The natives reachable from `roots` (the globals, the `tf` namespace) and their property maps, which copies share
 * rather than copy: user code cannot change them. Plain objects and arrays among the globals (`process.env`) can be
 * written to, so they are copied with the state like any other value.
 */
export function sharedNatives(roots: unknown[]): WeakSet<object> {
  const shared = new WeakSet<object>();
  const seen = new WeakSet<object>();
  const stack: unknown[] = [...roots];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v) || isSyntaxNode(v)) continue;
    seen.add(v);
    if (isNative(v)) {
      shared.add(v);
      const props = (v as { props?: Map<string, unknown> }).props;
      if (props) shared.add(props);
    }
    if (Array.isArray(v)) stack.push(...(v as unknown[]));
    else if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (v instanceof Set) for (const x of v) stack.push(x);
    else for (const key of Object.keys(v)) stack.push((v as Record<string, unknown>)[key]);
  }
  return shared;
}
