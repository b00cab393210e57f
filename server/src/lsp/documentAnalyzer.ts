// Schedules shape analysis of open documents: one debounced job per document, and a result is delivered
// only if the document has not changed since the job started, so stale diagnostics never replace fresh ones.
// It does not know LSP messages; server.ts turns results into notifications.
import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type AnalysisResult } from '../analysis/index';
import { fileSystemHost } from '../fileSystemHost';
import { checkDataContracts } from '../../../runtime/src/data/contractCheck';

/**
 * The pause after an edit before analysing: long enough to skip keystrokes inside a burst, short enough that a
 * fast file answers quickly. It scales with how long this document's last analysis took (1.5×, 50–300 ms).
 */
export const MIN_DEBOUNCE_MS = 50;
export const MAX_DEBOUNCE_MS = 300;
const FIRST_DEBOUNCE_MS = 150;

export interface AnalyzerEvents {
  onResult(document: TextDocument, result: AnalysisResult): void;
  onError(document: TextDocument, err: unknown): void;
}

export function fileNameOf(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export class DocumentAnalyzer {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly latest = new Map<string, { version: number; result: AnalysisResult; durationMs: number }>();

  constructor(private readonly events: AnalyzerEvents) {}

  /** The debounce for a document, from the duration of its last analysis. */
  debounceFor(uri: string): number {
    const last = this.latest.get(uri);
    if (!last) return FIRST_DEBOUNCE_MS;
    return Math.round(Math.min(MAX_DEBOUNCE_MS, Math.max(MIN_DEBOUNCE_MS, 1.5 * last.durationMs)));
  }

  schedule(document: TextDocument, delayMs = this.debounceFor(document.uri)): void {
    const pending = this.timers.get(document.uri);
    if (pending) clearTimeout(pending);
    this.timers.set(
      document.uri,
      setTimeout(() => {
        this.timers.delete(document.uri);
        this.run(document);
      }, delayMs),
    );
  }

  /**
   * The result for the document's current version. Requests (hover, inlay hints, CodeLens) need fresh
   * answers, so a pending debounced run is done now instead of waiting for its timer.
   */
  current(document: TextDocument): AnalysisResult | undefined {
    const entry = this.latest.get(document.uri);
    if (entry && entry.version === document.version) return entry.result;
    const pending = this.timers.get(document.uri);
    if (pending) clearTimeout(pending);
    this.timers.delete(document.uri);
    return this.run(document);
  }

  forget(uri: string): void {
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    this.timers.delete(uri);
    this.latest.delete(uri);
  }

  private run(document: TextDocument): AnalysisResult | undefined {
    try {
      const started = performance.now();
      const fileName = fileNameOf(document.uri);
      const text = document.getText();
      const result = analyze({ fileName, text, host: fileSystemHost });
      // Declared data contracts (`@data-contract`) are checked against the data file's header and a sample,
      // unless the file is not source at all (binary, too large), which `analyze` says without parsing it.
      if (!result.skipped) result.diagnostics.push(...checkDataContracts(fileName, text));
      this.latest.set(document.uri, { version: document.version, result, durationMs: performance.now() - started });
      this.events.onResult(document, result);
      return result;
    } catch (err) {
      this.events.onError(document, err);
      return undefined;
    }
  }
}
