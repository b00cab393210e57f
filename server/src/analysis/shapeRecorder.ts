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
import type { LayerState, ModelState, Value } from './values';
import { describeElement } from './datasets';

/** A layer or model an expression held: its shape keeps changing after the expression ran (`model.add`). */
type LiveSource = LayerState | ModelState;

/** One expression's recorded shape. Entries never change once made, so a snapshot can share them. */
interface Entry {
  kind: ShapeInfo['kind'];
  shape: Shape;
  dtype?: string;
  origin?: ts.Node;
  /**
   * For layers and models, whose shapes are read at the end: the ids (in `ShapeRecorder.sources`) of those the
   * expression held, in the order seen — an expression may hold a different one at each call (a builder function).
   * Ids rather than objects, so that a restored snapshot's entries read the restored copies.
   */
  sources?: number[];
  /**
   * Where evaluations of the node saw different known sizes: `rank` when even the ranks differed, else the axes
   * that took two different numbers. The join makes those axes unknown; this keeps why.
   */
  varies?: 'rank' | Set<number>;
  /** Why the value is unknown: the text, or the id of a model (read at the end: it may become unknown later). */
  reason?: string | number;
  /** A dataset's element as a hover shows it (`{xs: [32, 784], ys: [32, 10]}`); datasets have no shape. */
  element?: string;
}

/** What a recorder restarts from: its journal up to a point, and the layers and models its entries read. */
export interface RecorderSnapshot {
  journal: readonly JournalItem[];
  length: number;
  sources: LiveSource[];
}

/** One change to the recorder's maps, kept in order so that a snapshot is a length into the journal. */
interface JournalItem {
  generic: boolean;
  node: ts.Node;
  entry: Entry;
}

export class ShapeRecorder {
  private readonly concrete = new Map<ts.Node, Entry>();
  private readonly generic = new Map<ts.Node, Entry>();
  private journal: JournalItem[] = [];
  /** The layers and models entries read at the end, by id; part of the evaluation state that snapshots copy. */
  sources: LiveSource[] = [];
  private readonly sourceIds = new Map<LiveSource, number>();

  /** A recorder that continues from a snapshot, with the sources replaced by their restored copies. */
  static resume(snapshot: RecorderSnapshot, sources: LiveSource[]): ShapeRecorder {
    const recorder = new ShapeRecorder();
    recorder.journal = snapshot.journal.slice(0, snapshot.length);
    for (const item of recorder.journal) (item.generic ? recorder.generic : recorder.concrete).set(item.node, item.entry);
    recorder.sources = sources;
    sources.forEach((source, id) => recorder.sourceIds.set(source, id));
    return recorder;
  }

  /** The point to resume from later; the sources must be copied with the rest of the state. */
  snapshot(): RecorderSnapshot {
    return { journal: this.journal, length: this.journal.length, sources: this.sources };
  }

  private idOf(source: LiveSource): number {
    let id = this.sourceIds.get(source);
    if (id === undefined) {
      id = this.sources.length;
      this.sources.push(source);
      this.sourceIds.set(source, id);
    }
    return id;
  }

  private set(generic: boolean, node: ts.Node, entry: Entry): void {
    (generic ? this.generic : this.concrete).set(node, entry);
    this.journal.push({ generic, node, entry });
  }

  record(node: ts.Node, value: Value, generic: boolean): void {
    const entry = this.entryOf(value);
    if (!entry) return;
    const map = generic ? this.generic : this.concrete;
    const previous = map.get(node);
    if (!previous) {
      this.set(generic, node, entry);
      return;
    }
    if (previous.sources && entry.sources) {
      const sources = [...new Set([...previous.sources, ...entry.sources])];
      if (sources.length === previous.sources.length) return;
      this.set(generic, node, { ...previous, kind: previous.kind === entry.kind ? previous.kind : 'tensor', sources });
      return;
    }
    if (previous.element !== undefined || entry.element !== undefined) {
      // A node that held two different elements (or a dataset and something else) says only that it varies.
      if (previous.element !== entry.element) this.set(generic, node, { kind: 'dataset', shape: null, element: '?' });
      return;
    }
    const joined: Entry = {
      kind: previous.kind === entry.kind ? previous.kind : 'tensor',
      shape: joinShape(previous.shape, entry.shape),
    };
    if (previous.dtype === entry.dtype && entry.dtype) joined.dtype = entry.dtype;
    if (previous.origin) joined.origin = previous.origin;
    const reason = previous.reason ?? entry.reason;
    if (reason !== undefined) joined.reason = reason;
    const varies = variesAfterJoin(previous, entry);
    if (varies) joined.varies = varies;
    this.set(generic, node, joined);
  }

  private entryOf(value: Value): Entry | undefined {
    switch (value.kind) {
      case 'tensor': {
        const e: Entry = { kind: value.symbolic ? 'symbolic' : 'tensor', shape: value.shape };
        if (value.dtype) e.dtype = value.dtype;
        if (value.origin) e.origin = value.origin;
        if (value.unknownReason !== undefined) e.reason = value.unknownReason;
        return e;
      }
      case 'layer':
        return { kind: 'layer', shape: null, origin: value.layer.origin, sources: [this.idOf(value.layer)] };
      case 'model': {
        const id = this.idOf(value.model);
        return { kind: 'model', shape: null, origin: value.model.origin, sources: [id], reason: id };
      }
      case 'unknown':
        // Only an unknown that knows why: a hover then says what the analysis could not see.
        return value.reason === undefined ? undefined : { kind: 'value', shape: null, reason: value.reason };
      case 'dataset':
        return { kind: 'dataset', shape: null, origin: value.dataset.origin, element: describeElement(value.dataset.element) };
      default:
        return undefined;
    }
  }

  /** The shape an entry shows now: layers and models are read at the end, joined over every one it held. */
  private shapeOf(entry: Entry): Shape {
    if (!entry.sources) return entry.shape;
    // Past a few hundred objects (a loop), the shape is unknown.
    if (entry.sources.length > MAX_LIVE_SOURCES) return null;
    let shape: Shape | undefined;
    for (const id of entry.sources) {
      const own = liveShape(this.sources[id]);
      shape = shape === undefined ? own : joinShape(shape, own);
    }
    return shape ?? null;
  }

  private reasonOf(entry: Entry): string | undefined {
    if (typeof entry.reason === 'number') return unseenReason(this.sources[entry.reason] as ModelState);
    return entry.reason;
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
      out.push([node, g && !g.sources && isFullyKnown(g.shape) && agreesWithCalls(g.shape, entry) ? g : entry]);
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
    return found ? this.infoOf(sourceFile, found.entry) : undefined;
  }

  /** Every recorded expression with its exact range. */
  all(sourceFile: ts.SourceFile): RecordedShape[] {
    return this.chosen().map(([node, entry]) => ({ range: nodeRange(sourceFile, node), info: this.infoOf(sourceFile, entry) }));
  }

  private infoOf(sourceFile: ts.SourceFile, entry: Entry): ShapeInfo {
    const shape = this.shapeOf(entry);
    const info: ShapeInfo = { text: entry.element ?? formatShape(shape), kind: entry.kind };
    if (entry.dtype) info.dtype = entry.dtype;
    if (entry.origin) info.origin = nodeRange(sourceFile, entry.origin);
    const reason = shape === null || shape.includes(null) ? this.reasonOf(entry) : undefined;
    if (reason !== undefined) info.unknownReason = reason;
    return info;
  }
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

function liveShape(source: LiveSource): Shape {
  if ('className' in source) return source.outputShape ?? null;
  return source.outputShapes && source.outputShapes.length === 1 && !source.broken ? source.outputShapes[0] : null;
}
