// The judging half of the shape oracle: for each expression a run saw holding a tensor, a symbolic tensor or a model,
// it looks up the shape the analysis recorded for exactly that expression and decides
//   - a disagreement: the analysis claims a rank, or a size (a number), that the run contradicts. A named size
//     (`batch`, a parameter's name) and `?` claim nothing. A symbolic tensor's `null` batch axis is contradicted by a
//     number, since tfjs itself does not know that size;
//   - coverage: whether the analysis knew the expression's full shape (rank and every axis a number or a name).
// It does not run or instrument anything.

import type { RecordedShape, ShapeInfo } from '../../server/src/analysis/api';
import type { ObservedShape } from './observe';

export interface ProbeRange {
  /** 0-based, as in the analysis's `Range`. */
  start: { line: number; character: number };
  end: { line: number; character: number };
  /** The expression's text, shortened, for messages. */
  text: string;
}

export interface Disagreement {
  /** 1-based line and column of the expression. */
  line: number;
  column: number;
  expression: string;
  analysis: string;
  runtime: string;
}

export interface Unknown {
  line: number;
  column: number;
  expression: string;
  /** What the analysis had: `?`, `[?, 3]`, or `nothing` when it recorded no value there. */
  analysis: string;
  runtime: string;
}

export interface Comparison {
  /** Expressions the run saw holding a tensor or a model. */
  observed: number;
  /** Of those, how many the analysis knew the full shape of. */
  known: number;
  disagreements: Disagreement[];
  /** The observed expressions whose shape the analysis did not fully know. */
  unknowns: Unknown[];
}

type StaticDim = number | string | null;

/** `[2, batch, ?]` → `[2, 'batch', null]`; `?` (unknown rank) → null. */
export function parseShapeText(text: string): StaticDim[] | null {
  const m = /^\[(.*)\]$/.exec(text.trim());
  if (!m) return null;
  if (m[1].trim() === '') return [];
  return m[1].split(',').map((d) => {
    const t = d.trim();
    if (t === '?') return null;
    return /^-?\d+$/.test(t) ? Number(t) : t;
  });
}

export function formatObserved(shape: ObservedShape): string {
  return `[${shape.dims.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/** Why the analysis's dims contradict the run's, or undefined when they do not. */
export function contradiction(staticDims: StaticDim[] | null, observed: ObservedShape): string | undefined {
  if (staticDims === null) return undefined;
  if (staticDims.length !== observed.dims.length) return 'rank';
  for (let i = 0; i < staticDims.length; i++) {
    const claim = staticDims[i];
    if (typeof claim === 'number' && claim !== observed.dims[i]) return `axis ${i}`;
  }
  return undefined;
}

function isFullyKnown(dims: StaticDim[] | null): boolean {
  return dims !== null && dims.every((d) => d !== null);
}

const rangeKey = (r: { start: { line: number; character: number }; end: { line: number; character: number } }): string =>
  `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

export function compareShapes(probes: ProbeRange[], observed: Map<number, ObservedShape[]>, recorded: RecordedShape[]): Comparison {
  const byRange = new Map<string, ShapeInfo>();
  for (const r of recorded) byRange.set(rangeKey(r.range), r.info);
  const result: Comparison = { observed: 0, known: 0, disagreements: [], unknowns: [] };
  // Several probes can share a range (never in practice); count each expression once.
  const seen = new Set<string>();
  for (const [k, shapes] of [...observed].sort((a, b) => a[0] - b[0])) {
    const probe = probes[k];
    const key = rangeKey(probe);
    if (shapes.length === 0 || seen.has(key)) continue;
    seen.add(key);
    const info = byRange.get(key);
    const dims = info ? parseShapeText(info.text) : null;
    const where = { line: probe.start.line + 1, column: probe.start.character + 1, expression: probe.text };
    const runtime = shapes.map(formatObserved).join(' | ');
    result.observed++;
    if (isFullyKnown(dims)) result.known++;
    else result.unknowns.push({ ...where, analysis: info ? info.text : 'nothing', runtime });
    for (const shape of shapes) {
      if (info && contradiction(dims, shape)) {
        result.disagreements.push({ ...where, analysis: info.text, runtime });
        break;
      }
    }
  }
  return result;
}
