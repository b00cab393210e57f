// Shape rules of tfjs-core's two low-level recurrent ops (not the tf.layers cells, which are in
// recurrentLayerRules.ts): basicLSTMCell, one LSTM step on explicit weights, and multiRNNCell, which
// runs a list of such steps (user functions) in order. basicLSTMCell is written as tfjs composes it
// (concat, matMul, add, then four gate slices), on the same rules, so its errors are the ones tfjs
// raises from inside: a batch mismatch between data and h is a concat error, a kernel of the
// wrong height a matMul error.

import type * as ts from 'typescript';
import { type Dim, ShapeError, isKnown } from './shapes';
import { type OpFn, TENSOR_OPS, shapeOf } from './tensorOps';
import { type NativeCall, type Value, UNDEFINED, arrayOf, arrayOfLength, num, tensor } from './values';

/** `tf.basicLSTMCell(forgetBias, lstmKernel, lstmBias, data, c, h)`: `[newC, newH]`, each `[batch, units]`. */
function basicLSTMCell(args: Value[], node: ts.Node): Value {
  const [forgetBias, kernel, bias, data, c, h] = args;
  const combined = TENSOR_OPS.concat([arrayOf([data ?? UNDEFINED, h ?? UNDEFINED]), num(1)], node);
  const weighted = TENSOR_OPS.matMul([combined, kernel ?? UNDEFINED], node);
  const gates = shapeOf(TENSOR_OPS.add([weighted, bias ?? UNDEFINED], node));
  const unknownPair = arrayOf([tensor(null, node), tensor(null, node)]);
  if (!gates || gates.length !== 2) return unknownPair;
  // The four gates are column quarters of the [batch, 4 * units] product.
  const [batch, columns] = gates;
  let units: Dim = isKnown(columns) ? columns / 4 : null;
  if (isKnown(units) && !Number.isInteger(units)) {
    if (isKnown(batch)) {
      throw new ShapeError('tensor-ctor', `Tensor must have a shape comprised of positive integers but got shape [${batch},${units}].`);
    }
    units = null;
  }
  const gate = tensor([batch, units], node);
  const kept = TENSOR_OPS.mul([c ?? UNDEFINED, TENSOR_OPS.add([forgetBias ?? UNDEFINED, gate], node)], node);
  const newC = TENSOR_OPS.add([gate, kept], node);
  const newH = TENSOR_OPS.mul([newC, gate], node);
  return arrayOf([newC, newH]);
}

/** The two tensors a cell step answers, or unknown ones. */
function stepOutputs(out: Value, node: ts.Node): [Value, Value] {
  const items = out.kind === 'array' ? out.items : undefined;
  return [items?.[0] ?? tensor(null, node), items?.[1] ?? tensor(null, node)];
}

/**
 * `tf.multiRNNCell(lstmCells, data, c, h)`: each cell runs on the previous cell's new h, with its own
 * c[i] and h[i]; the answer is `[newCs, newHs]`, one of each per cell.
 */
function multiRNNCell(args: Value[], node: ts.Node, call?: NativeCall): Value {
  const cells = args[0] && args[0].kind === 'array' ? args[0].items : undefined;
  if (!cells || !call) return arrayOf([arrayOfLength(null, tensor(null, node)), arrayOfLength(null, tensor(null, node))]);
  const listItem = (list: Value | undefined, i: number): Value => (list && list.kind === 'array' && list.items?.[i]) || UNDEFINED;
  let input = args[1] ?? UNDEFINED;
  const newC: Value[] = [];
  const newH: Value[] = [];
  cells.forEach((cell, i) => {
    const [cellC, cellH] = stepOutputs(call.invoke(cell, [input, listItem(args[2], i), listItem(args[3], i)]), node);
    newC.push(cellC);
    newH.push(cellH);
    input = cellH;
  });
  return arrayOf([arrayOf(newC), arrayOf(newH)]);
}

export const RNN_CELL_OPS: Record<string, OpFn> = { basicLSTMCell, multiRNNCell };
