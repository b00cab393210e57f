// The `mlts` global that a tracked run defines (runApi.ts). Copy this file next to your experiments (or reference
// it) to type `globalThis.mlts`; in a plain `node` run the global is undefined, so call it with `?.`:
//   globalThis.mlts?.log({ testAccuracy }, epoch);
// Nothing here needs mlts installed as a package.
export {};

declare global {
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
