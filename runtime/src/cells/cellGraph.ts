// The dependency graph between cells and the questions asked of it (which cells depend on a cell, which
// upstream cells provide what a cell uses). Types and pure graph walks only: building the graph needs the
// TypeScript parser and lives in cellDependencies.ts, so the extension can answer these questions without
// loading TypeScript until it must parse.

export interface CellSource {
  id: string;
  text: string;
}

export interface CellSymbols {
  cellId: string;
  /** Names declared at the cell's top level (what other cells can use after it ran). */
  defines: string[];
  /** Free names the cell assigns (`x = …`, `x += …`, `x++`): a write to another cell's variable. */
  assigns: string[];
  /** Free names the cell reads in value positions. */
  uses: string[];
}

export interface DependencyEdge {
  /** The cell that defines or last assigns the names before `to`. */
  from: string;
  to: string;
  names: string[];
}

export interface CellDependencyGraph {
  cells: CellSymbols[];
  edges: DependencyEdge[];
}

/** Every cell that depends on `cellId`, directly or through other cells, in file order. */
export function dependentsOf(graph: CellDependencyGraph, cellId: string): string[] {
  const found = new Set<string>();
  const queue = [cellId];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const edge of graph.edges) {
      if (edge.from === current && !found.has(edge.to) && edge.to !== cellId) {
        found.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return graph.cells.map((c) => c.cellId).filter((id) => found.has(id));
}

/** For each name `cellId` uses that an earlier cell provides, that cell: what must have run (and be fresh) first. */
export function upstreamDefinitions(graph: CellDependencyGraph, cellId: string): { name: string; cellId: string }[] {
  return graph.edges.filter((edge) => edge.to === cellId).flatMap((edge) => edge.names.map((name) => ({ name, cellId: edge.from })));
}
