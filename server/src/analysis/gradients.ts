// Variables, gradients and optimizers: `tf.variable` keeps its tensor's shape and `assign` must
// keep it too; `tf.grad`/`grads`/`valueAndGrad(s)`/`variableGrads` give gradients shaped like what
// they are taken with respect to (running the function once for its own checks); an optimizer's
// `minimize` needs a scalar loss. Names follow tfjs where messages need them.

import type { Evaluator } from './evaluator';
import { ShapeError, dimsDiffer, tfjsShape } from './shapes';
import { asTensor } from './tensorCreation';
import { type NativeCall, type TensorValue, type Value, UNDEFINED, UNKNOWN, arrayOf, namespace, native, objectOf, stringOf, tensor } from './values';

/** The variables created so far, by name, for `variableGrads` (kept on the evaluator, part of its state). */
function variables(ev: Evaluator): Map<string, TensorValue> {
  return ev.variables;
}

function createVariable(ev: Evaluator, c: NativeCall): Value {
  const initial = asTensor(c.args[0]);
  const vars = variables(ev);
  const name = stringOf(c.args[2]) ?? `variable${vars.size + 1}`;
  const v = tensor(initial ? initial.shape : null, c.node, stringOf(c.args[3]) ?? initial?.dtype);
  v.variableName = name;
  vars.set(name, v);
  return v;
}

/** `variable.assign(value)`: tfjs requires the same shape. */
export function assignToVariable(variable: TensorValue, value: Value | undefined): Value {
  const next = asTensor(value);
  const a = variable.shape;
  const b = next?.shape ?? null;
  if (a && b && (a.length !== b.length || a.some((d, i) => dimsDiffer(d, b[i])))) {
    throw new ShapeError('shape-assign', `shape of the new value (${tfjsShape(b)}) and previous value (${tfjsShape(a)}) must match`);
  }
  return UNDEFINED;
}

function like(v: Value | undefined, node: NativeCall['node']): TensorValue {
  return tensor(asTensor(v)?.shape ?? null, node);
}

/** Runs a loss function for an optimizer or `variableGrads`: tfjs requires it to return a scalar. */
function scalarResult(c: NativeCall, f: Value | undefined): Value {
  if (!f) return UNKNOWN;
  const y = asTensor(c.invoke(f, []));
  if (y?.shape && y.shape.length !== 0) {
    throw new ShapeError('shape-rank', 'The result y returned by f() must be a scalar.');
  }
  return tensor([], c.node);
}

export function createGradientFunctions(ev: Evaluator): Record<string, Value> {
  const listOf = (v: Value | undefined): Value[] => (v && v.kind === 'array' && v.items ? v.items : []);
  return {
    variable: native('tf.variable', (c) => createVariable(ev, c)),
    grad: native('tf.grad', (c) => native('gradient', (g) => {
      if (c.args[0]) g.invoke(c.args[0], [g.args[0] ?? UNKNOWN]);
      return like(g.args[0], g.node);
    })),
    grads: native('tf.grads', (c) => native('gradients', (g) => {
      const xs = listOf(g.args[0]);
      if (c.args[0]) g.invoke(c.args[0], xs);
      return arrayOf(xs.map((x) => like(x, g.node)));
    })),
    valueAndGrad: native('tf.valueAndGrad', (c) => native('valueAndGradient', (g) => {
      const value = c.args[0] ? g.invoke(c.args[0], [g.args[0] ?? UNKNOWN]) : UNKNOWN;
      return objectOf({ value, grad: like(g.args[0], g.node) });
    })),
    valueAndGrads: native('tf.valueAndGrads', (c) => native('valueAndGradients', (g) => {
      const xs = listOf(g.args[0]);
      const value = c.args[0] ? g.invoke(c.args[0], xs) : UNKNOWN;
      return objectOf({ value, grads: arrayOf(xs.map((x) => like(x, g.node))) });
    })),
    variableGrads: native('tf.variableGrads', (c) => {
      const value = scalarResult(c, c.args[0]);
      const grads: Record<string, Value> = {};
      for (const [name, v] of variables(ev)) grads[name] = tensor(v.shape, c.node);
      return objectOf({ value, grads: { kind: 'object', props: new Map(Object.entries(grads)), open: true } });
    }),
    train: namespace('tf.train', Object.fromEntries(
      ['sgd', 'momentum', 'adagrad', 'adadelta', 'adam', 'adamax', 'rmsprop'].map((name) => [
        name,
        native(`tf.train.${name}`, () => objectOf({
          minimize: native('minimize', (m) => scalarResult(m, m.args[0])),
          applyGradients: native('applyGradients', () => UNDEFINED),
        }, true)),
      ]),
    )),
  };
}
