// Classes as far as shapes flow through them: `new C(...)` makes an object whose fields are set by
// property initializers and the constructor (`this.w = tf.ones([inputs, outputs])`), whose methods
// are bound to it, and whose base class (when the analysis knows it) runs first through `super(...)`.
// Getters, setters, private fields and static blocks are not modelled: they read as unknown.

import * as ts from 'typescript';
import type { Evaluator } from './evaluator';
import { Scope } from './scope';
import { type NativeFunctionValue, type ObjectValue, type Value, UNDEFINED, native } from './values';

/** What a class value knows beyond being callable with `new`. */
interface ClassInfo {
  node: ts.ClassLikeDeclaration;
  scope: Scope;
  base?: NativeFunctionValue;
}

const classInfos = new WeakMap<NativeFunctionValue, ClassInfo>();

function isStatic(member: ts.ClassElement): boolean {
  return ts.canHaveModifiers(member) && !!ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
}

function memberName(name: ts.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** Fields and methods of `info`'s class (base first) are put on `instance`; then the constructor runs. */
function construct(ev: Evaluator, info: ClassInfo, instance: ObjectValue, args: Value[]): void {
  const baseInfo = info.base ? classInfos.get(info.base) : undefined;
  const classScope = new Scope(info.scope);
  classScope.declare('this', instance);
  for (const member of info.node.members) {
    if (ts.isMethodDeclaration(member) && !isStatic(member)) {
      const name = memberName(member.name);
      if (name) instance.props.set(name, { ...ev.makeFunction(member, classScope), thisValue: instance });
    }
  }
  const ctor = info.node.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body);
  if (!ctor && baseInfo) construct(ev, baseInfo, instance, args);
  for (const member of info.node.members) {
    if (ts.isPropertyDeclaration(member) && member.initializer && !isStatic(member)) {
      const name = memberName(member.name);
      if (name) instance.props.set(name, ev.evalExpr(member.initializer, classScope));
    }
  }
  if (!ctor) return;
  const ctorScope = new Scope(classScope);
  ctorScope.declare(
    'super',
    native('super', (c) => {
      if (baseInfo) construct(ev, baseInfo, instance, c.args);
      else instance.open = true;
      return UNDEFINED;
    }),
  );
  // Parameter properties (`constructor(readonly w: Tensor)`) become fields too.
  ctor.parameters.forEach((p, i) => {
    const fieldModifiers = [ts.SyntaxKind.PublicKeyword, ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.ReadonlyKeyword];
    const isField = p.modifiers?.some((m) => fieldModifiers.includes(m.kind));
    if (isField && ts.isIdentifier(p.name)) instance.props.set(p.name.text, args[i] ?? UNDEFINED);
  });
  ev.callFunction({ kind: 'function', node: ctor, closure: ctorScope, thisValue: instance }, args);
}

export function createClass(ev: Evaluator, node: ts.ClassLikeDeclaration, scope: Scope): Value {
  const heritage = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  const baseValue = heritage ? ev.evalExpr(heritage.expression, scope) : undefined;
  const base = baseValue && baseValue.kind === 'native' && classInfos.has(baseValue) ? baseValue : undefined;
  const info: ClassInfo = base ? { node, scope, base } : { node, scope };
  const classValue = native(node.name?.text ?? 'class', (c) => {
    // Instances stay open: getters, setters and fields set elsewhere read as unknown, not undefined.
    const instance: ObjectValue = { kind: 'object', props: new Map(), open: true };
    construct(ev, info, instance, c.args);
    return instance;
  });
  classInfos.set(classValue, info);
  const statics = new Map<string, Value>();
  for (const member of node.members) {
    if (!isStatic(member)) continue;
    const name = memberName(member.name);
    if (!name) continue;
    if (ts.isMethodDeclaration(member)) statics.set(name, ev.makeFunction(member, scope));
    else if (ts.isPropertyDeclaration(member) && member.initializer) statics.set(name, ev.evalExpr(member.initializer, scope));
  }
  classValue.props = statics;
  return classValue;
}
