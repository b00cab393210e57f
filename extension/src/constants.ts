// Every command id, setting key and document selector the extension uses, in one place, so package.json's
// `contributes` and the code cannot drift apart silently (test/unit/manifest.test.ts checks both directions).

import { ShowModelSummary } from '../../server/src/lsp/protocol';

export const EXTENSION_ID = 'mlts.mlts';

/** mlts features apply to `.ml.ts` files; they stay in the `typescript` language so TS IntelliSense keeps working. */
export const ML_TS_GLOB = '**/*.ml.ts';
export const ML_TS_SUFFIX = '.ml.ts';

export const Commands = {
  runFile: 'mlts.runFile',
  /** Run by the model-summary CodeLens with the server's ShowModelSummary.Args; hidden from the palette. */
  showModelSummary: ShowModelSummary.command,
  restartServer: 'mlts.restartServer',
  showOutput: 'mlts.showOutput',
  runCell: 'mlts.runCell',
  runCellAndAdvance: 'mlts.runCellAndAdvance',
  debugCell: 'mlts.debugCell',
  runAbove: 'mlts.runAbove',
  runBelow: 'mlts.runBelow',
  runAllFresh: 'mlts.runAllFresh',
  runCellAndDependents: 'mlts.runCellAndDependents',
  interruptKernel: 'mlts.interruptKernel',
  restartKernel: 'mlts.restartKernel',
  showCellOutput: 'mlts.showCellOutput',
  /** Export the active file's cells and outputs as HTML, .ipynb or Markdown (optional argument: the format). */
  exportCells: 'mlts.exportCells',
  /** Clears the outputs of the cell under the cursor (or the cell given); the kernel's state is kept. */
  clearCellOutputs: 'mlts.clearCellOutputs',
  clearAllOutputs: 'mlts.clearAllOutputs',
  /** Palette and editor title: run the active `.ml.ts` file as tracked runs (asks for overrides). */
  runTracked: 'mlts.runTracked',
  runsRefresh: 'mlts.runs.refresh',
  runsOpenLog: 'mlts.runs.openLog',
  runsOpenFolder: 'mlts.runs.openFolder',
  runsCancel: 'mlts.runs.cancel',
  openDashboard: 'mlts.openDashboard',
  openLauncher: 'mlts.openLauncher',
  profileDataFile: 'mlts.profileDataFile',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const Settings = {
  section: 'mlts',
  nodePath: 'mlts.nodePath',
  checkAllTfjsFiles: 'mlts.checkAllTfjsFiles',
  inlayHintsEnabled: 'mlts.inlayHints.enabled',
} as const;

export const RUNS_VIEW_ID = 'mlts.runs';
/** The task type of tracked runs launched from VS Code (visible and cancellable in the terminal panel). */
export const RUN_TASK_TYPE = 'mlts-run';

/** The log of mlts itself and its language server. */
export const OUTPUT_CHANNEL_NAME = 'mlts';
/** What user scripts print when run with "Run File as Script". */
export const RUN_OUTPUT_CHANNEL_NAME = 'mlts: Run';
