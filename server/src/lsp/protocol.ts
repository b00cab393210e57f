// The extension ↔ language-server protocol beyond standard LSP: the commands the server asks the client to
// run (from CodeLenses and code actions) with their typed arguments, and the guards the client uses on them.
// Travels server → client inside `Command.arguments`; the client validates before use.
import type { ModelSummary } from '../analysis/api';

export namespace ShowModelSummary {
  /** Client-side command run by the summary CodeLens above a model definition. */
  export const command = 'mlts.showModelSummary';
  export interface Args {
    uri: string;
    model: ModelSummary;
  }
  export function isArgs(value: unknown): value is Args {
    if (typeof value !== 'object' || value === null) return false;
    const v = value as Record<string, unknown>;
    const model = v.model as Record<string, unknown> | undefined;
    return (
      typeof v.uri === 'string' &&
      typeof model === 'object' &&
      model !== null &&
      typeof model.name === 'string' &&
      Array.isArray(model.layers) &&
      model.layers.every(isLayer) &&
      typeof model.totalParams === 'number' &&
      typeof model.trainableParams === 'number'
    );
  }
  function isLayer(value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const l = value as Record<string, unknown>;
    return (
      typeof l.name === 'string' &&
      typeof l.type === 'string' &&
      typeof l.outputShape === 'string' &&
      typeof l.params === 'number' &&
      typeof l.trainable === 'boolean'
    );
  }
}

/** Settings the server reads per document through `workspace/configuration` (section `mlts`). */
export interface ServerSettings {
  inlayHints: { enabled: boolean };
  checkAllTfjsFiles: boolean;
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  inlayHints: { enabled: true },
  checkAllTfjsFiles: false,
};
