// Remembers the shape each tensor/layer/model expression had (and each dataset's element) while the program was evaluated, so
// that `shapeAt` can answer hovers and caret tests after the run. A node evaluated several times
// (loops, helpers called twice) keeps the join of what it saw; inside a function body, the shapes
// seen while evaluating over symbolic parameters are preferred because they name the sizes
// (`[inputDim, 3]`). It does not evaluate anything.

import type * as ts from 'typescript';
import type { Position, RecordedShape, ShapeInfo } from './api';
import { unseenReason } from './analysisStats';
import { nodeRange, offsetAt, positionAt } from './diagnostics';
import { type Dim, type Shape, formatShape, joinShape } from './shapes';
import type { Value } from './values';
import { describeElement } from './datasets';

interface Entry {
  kind: ShapeInfo['kind'];
  shape: Shape;
  dtype?: string;
  origin?: ts.Node;
  /** Layers and models keep changing after the expression ran (`model.add`), so they are read at the end. */
  live?: () => Shape;
  /** The layers or models `live` reads: an expression may hold a different one at each call (a builder function). */
  sources?: Set<object>;
  /**
   * Where evaluations of the node saw different known sizes: `rank` when even the ranks differed, else the axes
   * that took two different numbers. The join makes those axes unknown; this keeps why.
   */
  varies?: 'rank' | Set<number>;
  /** Why the value is unknown (read at the end for models, which may become unknown after the expression ran). */
  reason?: () => string | undefined;
  /** A dataset's element as a hover shows it (`{xs: [32, 784], ys: [32, 10]}`); datasets have no shape. */
  element?: string;
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
    if (previous.live && entry.live && previous.sources && entry.sources) {
      const sources = new Set([...previous.sources, ...entry.sources]);
      if (sources.size === previous.sources.size) return;
      const [prevLive, entryLive] = [previous.live, entry.live];
      // Their shapes are read at the end and joined; past a few hundred objects (a loop), the shape is unknown.
      const live = sources.size > MAX_LIVE_SOURCES ? () => null : () => joinShape(prevLive(), entryLive());
      map.set(node, { ...previous, kind: previous.kind === entry.kind ? previous.kind : 'tensor', live, sources });
      return;
    }
    if (previous.element !== undefined || entry.element !== undefined) {
      // A node that held two different elements (or a dataset and something else) says only that it varies.
      if (previous.element !== entry.element) map.set(node, { kind: 'dataset', shape: null, element: '?' });
      return;
    }
    const joined: Entry = {
      kind: previous.kind === entry.kind ? previous.kind : 'tensor',
      shape: joinShape(previous.shape, entry.shape),
    };
    if (previous.dtype === entry.dtype && entry.dtype) joined.dtype = entry.dtype;
    if (previous.origin) joined.origin = previous.origin;
    const reason = previous.reason ?? entry.reason;
    if (reason) joined.reason = reason;
    const varies = variesAfterJoin(previous, entry);
    if (varies) joined.varies = varies;
    map.set(node, joined);
  }

  /** Candidates bucketed by start line, built on the first query (the recording is finished by then). */
  private index: { byLine: Map<number, Candidate[]>; long: Candidate[] } | undefined;

  /** The entry that stands for each recorded node: the one `shapeAt` shows. */
  private chosen(): Array<[ts.Node, Entry]> {
    const out: Array<[ts.Node, Entry]> = [];
    for (const [node, entry] of this.concrete) {
      const g = this.generic.get(node);
      // Inside functions, the generic pass names the sizes (`[batch, 10]`); keep it when it knows every axis and
      // the real calls do not contradict it (a closure's variable read at its final value, say).
      out.push([node, g && !g.live && isFullyKnown(g.shape) && agreesWithCalls(g.shape, entry) ? g : entry]);
    }
    for (const [node, entry] of this.generic) if (!this.concrete.has(node)) out.push([node, entry]);
    return out;
  }

  private buildIndex(sourceFile: ts.SourceFile): { byLine: Map<number, Candidate[]>; long: Candidate[] } {
    const byLine = new Map<number, Candidate[]>();
    const long: Candidate[] = [];
    const add = (node: ts.Node, entry: Entry) => {
      const start = node.getStart(sourceFile);
      const end = node.getEnd();
      const startLine = positionAt(sourceFile, start).line;
      const candidate: Candidate = { start, end, entry };
      if (positionAt(sourceFile, end).line - startLine > LINES_SCANNED_BACK) long.push(candidate);
      else {
        const bucket = byLine.get(startLine);
        if (bucket) bucket.push(candidate);
        else byLine.set(startLine, [candidate]);
      }
    };
    for (const [node, entry] of this.chosen()) add(node, entry);
    return { byLine, long };
  }

  /**
   * How many recorded expressions hold a tensor, and how many of those have every axis known (a
   * named size counts as known). Each expression counts once, with the entry `shapeAt` would show.
   */
  tensorCoverage(): { tensors: number; known: number } {
    let tensors = 0;
    let known = 0;
    const count = (entry: Entry) => {
      if (entry.kind !== 'tensor' && entry.kind !== 'symbolic') return;
      tensors++;
      if (isFullyKnown(entry.shape)) known++;
    };
    for (const [, entry] of this.chosen()) count(entry);
    return { tensors, known };
  }

  /** The innermost recorded expression covering `pos`. */
  shapeAt(sourceFile: ts.SourceFile, pos: Position): ShapeInfo | undefined {
    const offset = offsetAt(sourceFile, pos);
    if (offset === undefined) return undefined;
    this.index ??= this.buildIndex(sourceFile);
    let best: Candidate | undefined;
    const consider = (c: Candidate) => {
      if (offset < c.start || offset > c.end) return;
      if (!best || c.end - c.start < best.end - best.start) best = c;
    };
    for (let line = Math.max(0, pos.line - LINES_SCANNED_BACK); line <= pos.line; line++) this.index.byLine.get(line)?.forEach(consider);
    this.index.long.forEach(consider);
    const found = best as Candidate | undefined;
    return found ? infoOf(sourceFile, found.entry) : undefined;
  }

  /** Every recorded expression with its exact range. */
  all(sourceFile: ts.SourceFile): RecordedShape[] {
    return this.chosen().map(([node, entry]) => ({ range: nodeRange(sourceFile, node), info: infoOf(sourceFile, entry) }));
  }
}

function infoOf(sourceFile: ts.SourceFile, entry: Entry): ShapeInfo {
  const shape = entry.live ? entry.live() : entry.shape;
  const info: ShapeInfo = { text: entry.element ?? formatShape(shape), kind: entry.kind };
  if (entry.dtype) info.dtype = entry.dtype;
  if (entry.origin) info.origin = nodeRange(sourceFile, entry.origin);
  const reason = shape === null || shape.includes(null) ? entry.reason?.() : undefined;
  if (reason !== undefined) info.unknownReason = reason;
  return info;
}

/** How many distinct layers or models one expression's shape joins before it is given up as unknown. */
const MAX_LIVE_SOURCES = 200;

/** Expressions spanning more lines than this are few; they are checked for every query. */
const LINES_SCANNED_BACK = 40;

function isFullyKnown(shape: Shape): shape is Dim[] {
  return shape !== null && shape.every((d) => d !== null);
}

function variesAfterJoin(a: Entry, b: Entry): Entry['varies'] {
  if (a.varies === 'rank' || b.varies === 'rank') return 'rank';
  if (a.shape === null || b.shape === null) return a.varies ?? b.varies;
  if (a.shape.length !== b.shape.length) return 'rank';
  const axes = new Set<number>([...(a.varies ?? []), ...(b.varies ?? [])]);
  a.shape.forEach((d, i) => {
    const other = b.shape?.[i];
    if (typeof d === 'number' && typeof other === 'number' && d !== other) axes.add(i);
  });
  return axes.size > 0 ? axes : undefined;
}

/** True when every size the generic pass states as a number is one the real calls had on every call. */
function agreesWithCalls(generic: Dim[], calls: Entry): boolean {
  const varies = calls.varies;
  if (varies === 'rank') return false;
  if (calls.shape !== null && calls.shape.length !== generic.length) return false;
  return generic.every((d, i) => {
    if (typeof d !== 'number') return true;
    const seen = calls.shape?.[i];
    return !varies?.has(i) && (typeof seen !== 'number' || seen === d);
  });
}

interface Candidate {
  start: number;
  end: number;
  entry: Entry;
}

function entryOf(value: Value): Entry | undefined {
  switch (value.kind) {
    case 'tensor': {
      const e: Entry = { kind: value.symbolic ? 'symbolic' : 'tensor', shape: value.shape };
      if (value.dtype) e.dtype = value.dtype;
      if (value.origin) e.origin = value.origin;
      const reason = value.unknownReason;
      if (reason !== undefined) e.reason = () => reason;
      return e;
    }
    case 'layer': {
      const layer = value.layer;
      return { kind: 'layer', shape: null, origin: layer.origin, live: () => layer.outputShape ?? null, sources: new Set([layer]) };
    }
    case 'model': {
      const model = value.model;
      const live = () => (model.outputShapes && model.outputShapes.length === 1 && !model.broken ? model.outputShapes[0] : null);
      return { kind: 'model', shape: null, origin: model.origin, live, sources: new Set([model]), reason: () => unseenReason(model) };
    }
    case 'unknown': {
      // Only an unknown that knows why: a hover then says what the analysis could not see.
      const reason = value.reason;
      return reason === undefined ? undefined : { kind: 'value', shape: null, reason: () => reason };
    }
    case 'dataset':
      return { kind: 'dataset', shape: null, origin: value.dataset.origin, element: describeElement(value.dataset.element) };
    default:
      return undefined;
  }
}
