// Remembers the shape each tensor/layer/model expression had while the program was evaluated, so
// that `shapeAt` can answer hovers and caret tests after the run. A node evaluated several times
// (loops, helpers called twice) keeps the join of what it saw; inside a function body, the shapes
// seen while evaluating over symbolic parameters are preferred because they name the sizes
// (`[inputDim, 3]`). It does not evaluate anything.

import type * as ts from 'typescript';
import type { Position, ShapeInfo } from './api';
import { nodeRange, offsetAt } from './diagnostics';
import { type Shape, formatShape, joinShape } from './shapes';
import type { Value } from './values';

interface Entry {
  kind: ShapeInfo['kind'];
  shape: Shape;
  dtype?: string;
  origin?: ts.Node;
  /** Layers and models keep changing after the expression ran (`model.add`), so they are read at the end. */
  live?: () => Shape;
}

export class ShapeRecorder {
  private readonly concrete = new Map<ts.Node, Entry>();
  private readonly generic = new Map<ts.Node, Entry>();

  record(node: ts.Node, value: Value, generic: boolean): void {
    const entry = entryOf(value);
    if (!entry) return;
    const map = generic ? this.generic : this.concrete;
    const previous = map.get(node);
    if (!previous) {
      map.set(node, entry);
      return;
    }
    if (previous.live && entry.live) return;
    const joined: Entry = {
      kind: previous.kind === entry.kind ? previous.kind : 'tensor',
      shape: joinShape(previous.shape, entry.shape),
    };
    if (previous.dtype === entry.dtype && entry.dtype) joined.dtype = entry.dtype;
    if (previous.origin) joined.origin = previous.origin;
    map.set(node, joined);
  }

  /** The innermost recorded expression covering `pos`. */
  shapeAt(sourceFile: ts.SourceFile, pos: Position): ShapeInfo | undefined {
    const offset = offsetAt(sourceFile, pos);
    if (offset === undefined) return undefined;
    let best: { node: ts.Node; entry: Entry } | undefined;
    const consider = (node: ts.Node, entry: Entry) => {
      const start = node.getStart(sourceFile);
      const end = node.getEnd();
      if (offset < start || offset > end) return;
      if (!best || end - start < best.node.getEnd() - best.node.getStart(sourceFile)) best = { node, entry };
    };
    for (const [node, entry] of this.concrete) {
      const g = this.generic.get(node);
      // Inside functions, the generic pass names the sizes (`[batch, 10]`); keep it when it knows every axis.
      consider(node, g && !g.live && g.shape !== null && g.shape.every((d) => d !== null) ? g : entry);
    }
    for (const [node, entry] of this.generic) if (!this.concrete.has(node)) consider(node, entry);
    if (!best) return undefined;
    const shape = best.entry.live ? best.entry.live() : best.entry.shape;
    const info: ShapeInfo = { text: formatShape(shape), kind: best.entry.kind };
    if (best.entry.dtype) info.dtype = best.entry.dtype;
    if (best.entry.origin) info.origin = nodeRange(sourceFile, best.entry.origin);
    return info;
  }
}

function entryOf(value: Value): Entry | undefined {
  switch (value.kind) {
    case 'tensor': {
      const e: Entry = { kind: value.symbolic ? 'symbolic' : 'tensor', shape: value.shape };
      if (value.dtype) e.dtype = value.dtype;
      if (value.origin) e.origin = value.origin;
      return e;
    }
    case 'layer': {
      const layer = value.layer;
      return { kind: 'layer', shape: null, origin: layer.origin, live: () => layer.outputShape ?? null };
    }
    case 'model': {
      const model = value.model;
      const live = () => (model.outputShapes && model.outputShapes.length === 1 && !model.broken ? model.outputShapes[0] : null);
      return { kind: 'model', shape: null, origin: model.origin, live };
    }
    default:
      return undefined;
  }
}
