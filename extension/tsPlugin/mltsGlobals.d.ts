// The globals mlts gives `.ml.ts` files: `display()` in a cell kernel (runtime/src/kernel/display.ts) and `mlts` in a
// tracked run (runtime/src/runner/runApi.ts). The extension's TypeScript server plugin adds this file to every
// project that holds a `.ml.ts` file, so the editor knows them without mlts installed as a package. Outside VS Code,
// reference it with `/// <reference path="…/mltsGlobals.d.ts" />`. Both may be undefined when the file runs as a
// plain script, so call them with `?.` where that matters: `globalThis.mlts?.log({ testAccuracy }, epoch);`.
export {};

type MltsNumbers = ArrayLike<number> | { dataSync(): ArrayLike<number> };
type MltsChartOptions = { title?: string; xLabel?: string; yLabel?: string };

declare global {
  /**
   * Shows rich output under the running cell (cell kernels only): a tensor, a table of records or text;
   * `display.line/scatter/histogram` draw charts and `display.image` an image tensor.
   */
  var display: MltsDisplay;

  interface MltsDisplay {
    (value: unknown): void;
    table(rows: Record<string, unknown>[]): void;
    line(series: MltsNumbers | { x?: MltsNumbers; y: MltsNumbers } | Record<string, MltsNumbers>, options?: MltsChartOptions): void;
    scatter(points: { x: MltsNumbers; y: MltsNumbers } | Record<string, { x: MltsNumbers; y: MltsNumbers }>, options?: MltsChartOptions): void;
    histogram(values: MltsNumbers, options?: MltsChartOptions & { bins?: number }): void;
    /** An image from a `[height, width]` or `[height, width, 1|3|4]` tensor (floats 0–1, ints 0–255). */
    image(pixels: { shape: number[]; dataSync(): ArrayLike<number> }, options?: { title?: string }): void;
  }

  /** Present only while the file runs as a tracked run (`mlts run`, or a run launched from VS Code). */
  var mlts: MltsRun | undefined;

  interface MltsRun {
    /** The run's id in the store. */
    readonly runId: string;
    /** Folder for files to keep with the run (saved models, plots); everything in it is listed as an artifact. */
    readonly artifactsDir: string;
    /** Records metrics at `step` (default: one more than the last logged step). Tensors are read as scalars. */
    log(metrics: Record<string, number | { dataSync(): ArrayLike<number> }>, step?: number): void;
    /** Saves a tfjs model as `artifacts/<name>/model.json` + `weights.bin`; returns that folder. */
    saveModel(model: { save(handler: unknown): Promise<unknown> }, name?: string): Promise<string>;
  }
}
