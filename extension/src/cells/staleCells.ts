// Which cells are stale, from what ran and what the file says now. A cell that ran is stale when its text
// changed since, or when a cell it depends on (the static dependency graph from runtime/src/cells) ran again
// after it, changed, or is itself stale. Before a cell runs, `warningsBefore` lists upstream cells it reads
// from that never ran or are stale. Pure (no vscode): cells are identified by id (`cell-<index>`); the editor
// layer turns the answers into decorations and messages.
import { upstreamDefinitions, type CellDependencyGraph } from '../../../runtime/src/cells/cellGraph';

export interface CellText {
  id: string;
  text: string;
}

export interface RunRecord {
  /** The cell's code when it ran. */
  text: string;
  /** A counter over all runs of this file's kernel: larger ran later. */
  sequence: number;
}

export type StaleReason = { kind: 'edited' } | { kind: 'upstream'; cellId: string; names: string[] };

export interface UpstreamWarning {
  cellId: string;
  names: string[];
  problem: 'never ran' | 'stale';
}

/** Builds the dependency graph of cells (runtime/src/cells/cellDependencies.ts, loaded lazily by the extension). */
export type GraphAnalyzer = (cells: readonly CellText[]) => CellDependencyGraph;

export class StaleModel {
  private runs = new Map<string, RunRecord>();
  private sequence = 0;

  /** The graph of the cells last asked about: decorations, lenses and runs ask many times per edit. */
  private graphCache: { key: string; graph: CellDependencyGraph } | undefined;

  constructor(private readonly analyze: GraphAnalyzer) {}

  private analyzeGraph(cells: readonly CellText[]): CellDependencyGraph {
    const key = JSON.stringify(cells.map((c) => [c.id, c.text]));
    if (this.graphCache?.key !== key) this.graphCache = { key, graph: this.analyze(cells) };
    return this.graphCache.graph;
  }

  /** Records that a cell ran successfully with this text. */
  recordRun(cellId: string, text: string): void {
    this.runs.set(cellId, { text, sequence: ++this.sequence });
  }

  /** Forgets every run: a restarted kernel has no state, so nothing is stale and nothing has run. */
  reset(): void {
    this.runs.clear();
  }

  hasRun(cellId: string): boolean {
    return this.runs.has(cellId);
  }

  /** Stale cells and why, for the cells as they are now. */
  staleCells(cells: readonly CellText[], graph: CellDependencyGraph = this.analyzeGraph(cells)): Map<string, StaleReason> {
    const stale = new Map<string, StaleReason>();
    const text = new Map(cells.map((c) => [c.id, c.text]));
    // File order is a topological order of the graph (edges only point forward).
    for (const cell of cells) {
      const run = this.runs.get(cell.id);
      if (!run) continue;
      if (text.get(cell.id) !== run.text) {
        stale.set(cell.id, { kind: 'edited' });
        continue;
      }
      for (const edge of graph.edges.filter((e) => e.to === cell.id)) {
        const upstream = this.runs.get(edge.from);
        const upstreamNewer = upstream !== undefined && upstream.sequence > run.sequence;
        if (upstreamNewer || stale.has(edge.from)) {
          stale.set(cell.id, { kind: 'upstream', cellId: edge.from, names: edge.names });
          break;
        }
      }
    }
    return stale;
  }

  /** Upstream cells that `cellId` reads from and that never ran or are stale now. */
  warningsBefore(cellId: string, cells: readonly CellText[]): UpstreamWarning[] {
    const graph = this.analyzeGraph(cells);
    const stale = this.staleCells(cells, graph);
    const byCell = new Map<string, string[]>();
    for (const { name, cellId: from } of upstreamDefinitions(graph, cellId)) byCell.set(from, [...(byCell.get(from) ?? []), name]);
    const warnings: UpstreamWarning[] = [];
    for (const [from, names] of byCell) {
      if (!this.runs.has(from)) warnings.push({ cellId: from, names, problem: 'never ran' });
      else if (stale.has(from)) warnings.push({ cellId: from, names, problem: 'stale' });
    }
    return warnings;
  }
}
