// Ids of the training-run commands, view and task type. They live here until the lead moves them into
// extension/src/constants.ts (next to the others, which test/unit/manifest.test.ts checks against package.json);
// each needs its contribution in package.json (listed in docs/run-store.md's companion report).

export const RunsCommands = {
  /** Palette and editor title: run the active `.ml.ts` file as tracked runs (asks for overrides). */
  runTracked: 'mlts.runTracked',
  refresh: 'mlts.runs.refresh',
  openLog: 'mlts.runs.openLog',
  openFolder: 'mlts.runs.openFolder',
  cancel: 'mlts.runs.cancel',
} as const;

export const RUNS_VIEW_ID = 'mlts.runs';
export const RUN_TASK_TYPE = 'mlts-run';
