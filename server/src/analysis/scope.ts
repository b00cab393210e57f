// Lexical scopes of the evaluated program (the "bind" phase, done lazily as the evaluator walks):
// a chain of maps from names to the abstract values they hold, plus snapshots so that two branches
// of an `if` with an unknown condition can run from the same state and be joined afterwards.
// It does not evaluate anything.

import { type Value, UNKNOWN, joinValues } from './values';

export class Scope {
  private readonly vars = new Map<string, Value>();

  constructor(readonly parent: Scope | undefined) {}

  /** This scope and its ancestors, innermost first. */
  private chain(): Scope[] {
    const frames: Scope[] = [];
    for (let s: Scope | undefined = this.parent; s; s = s.parent) frames.push(s);
    return [this as Scope, ...frames];
  }

  declare(name: string, value: Value): void {
    this.vars.set(name, value);
  }

  lookup(name: string): Value | undefined {
    const v = this.vars.get(name);
    return v !== undefined ? v : this.parent?.lookup(name);
  }

  /** The value this scope itself declares for `name` (not its parents'). */
  ownValue(name: string): Value | undefined {
    return this.vars.get(name);
  }

  /** Removes this scope's own declaration of `name` (a function declaration that is gone from the file). */
  forget(name: string): void {
    this.vars.delete(name);
  }

  /** The scope that declares `name`, if any (recursive, so that lookups allocate nothing). */
  private owner(name: string): Scope | undefined {
    return this.vars.has(name) ? this : this.parent?.owner(name);
  }

  private root(): Scope {
    return this.parent ? this.parent.root() : this;
  }

  /** Assigns to the nearest declaration; an undeclared name becomes a global of this chain's root. */
  assign(name: string, value: Value): void {
    (this.owner(name) ?? this.root()).vars.set(name, value);
  }

  /** Sets a declared name to unknown-ish (used when a loop cannot be followed). */
  update(name: string, f: (v: Value) => Value): void {
    const owner = this.owner(name);
    const v = owner?.vars.get(name);
    if (owner && v !== undefined) owner.vars.set(name, f(v));
  }

  snapshot(): ScopeSnapshot {
    return this.chain().map((s) => [s, new Map(s.vars)]);
  }

  static restore(snapshot: ScopeSnapshot): void {
    for (const [scope, vars] of snapshot) {
      scope.vars.clear();
      for (const [k, v] of vars) scope.vars.set(k, v);
    }
  }

  /** Sets every frame to the join of two snapshots taken from the same chain. */
  static joinInto(a: ScopeSnapshot, b: ScopeSnapshot): void {
    for (let i = 0; i < a.length; i++) {
      const [scope, varsA] = a[i];
      const varsB = b[i]?.[1] ?? new Map<string, Value>();
      scope.vars.clear();
      for (const [k, va] of varsA) {
        const vb = varsB.get(k);
        scope.vars.set(k, vb === undefined ? UNKNOWN : joinValues(va, vb));
      }
      for (const [k] of varsB) if (!varsA.has(k)) scope.vars.set(k, UNKNOWN);
    }
  }
}

export type ScopeSnapshot = Array<[Scope, Map<string, Value>]>;
