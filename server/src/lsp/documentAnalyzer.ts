// Schedules shape analysis of open documents: one debounced job per document, and a result is delivered
// only if the document has not changed since the job started, so stale diagnostics never replace fresh ones.
// Each document keeps an IncrementalAnalyzer, so an edit re-evaluates only from the edited cell on; the pause
// before analysing is therefore short. It does not know LSP messages; server.ts turns results into notifications.
import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisResult } from '../analysis/index';
import { IncrementalAnalyzer } from '../analysis/incrementalAnalysis';
import { fileSystemHost } from '../fileSystemHost';
import { checkDataContracts } from '../../../runtime/src/data/contractCheck';

/**
 * The pause after an edit before analysing: just enough for the changes of one burst that arrive together to
 * coalesce. Longer pauses are not needed: analysis is incremental (an edit re-evaluates from its cell on) and runs
 * in slices, and a run whose text is no longer the newest stops at its next slice, so typing never waits behind
 * the analysis of an older version for more than one slice.
 */
export const DEBOUNCE_MS = 5;
/** How long analysis runs before it yields to pending messages (a newer edit, a hover). */
export const SLICE_MS = 10;

export interface AnalyzerEvents {
  onResult(document: TextDocument, result: AnalysisResult): void;
  onError(document: TextDocument, err: unknown): void;
}

export function fileNameOf(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

/** A sliced analysis in flight; set `cancelled` and it stops at its next slice without delivering. */
interface Job {
  cancelled: boolean;
}

export class DocumentAnalyzer {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly latest = new Map<string, { version: number; result: AnalysisResult }>();
  private readonly incremental = new Map<string, IncrementalAnalyzer>();
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly events: AnalyzerEvents) {}

  schedule(document: TextDocument, delayMs = DEBOUNCE_MS): void {
    this.clearTimer(document.uri);
    this.timers.set(
      document.uri,
      setTimeout(() => {
        this.timers.delete(document.uri);
        void this.runInSlices(document, this.newJob(document.uri));
      }, delayMs),
    );
  }

  /**
   * The result for the document's current version. Requests (hover, inlay hints, CodeLens) need fresh
   * answers, so a pending or running analysis is replaced by one run to the end now.
   */
  current(document: TextDocument): AnalysisResult | undefined {
    const entry = this.latest.get(document.uri);
    if (entry && entry.version === document.version) return entry.result;
    this.clearTimer(document.uri);
    this.cancelJob(document.uri);
    try {
      const { fileName, text } = this.inputOf(document);
      return this.deliver(document, this.analyzerFor(document.uri).analyze({ fileName, text, host: fileSystemHost }), text);
    } catch (err) {
      this.events.onError(document, err);
      return undefined;
    }
  }

  forget(uri: string): void {
    this.clearTimer(uri);
    this.cancelJob(uri);
    this.latest.delete(uri);
    this.incremental.delete(uri);
  }

  private clearTimer(uri: string): void {
    const pending = this.timers.get(uri);
    if (pending) clearTimeout(pending);
    this.timers.delete(uri);
  }

  private cancelJob(uri: string): void {
    const job = this.jobs.get(uri);
    if (job) job.cancelled = true;
    this.jobs.delete(uri);
  }

  private newJob(uri: string): Job {
    this.cancelJob(uri);
    const job = { cancelled: false };
    this.jobs.set(uri, job);
    return job;
  }

  private analyzerFor(uri: string): IncrementalAnalyzer {
    let incremental = this.incremental.get(uri);
    if (!incremental) {
      incremental = new IncrementalAnalyzer();
      this.incremental.set(uri, incremental);
    }
    return incremental;
  }

  private inputOf(document: TextDocument): { fileName: string; text: string } {
    return { fileName: fileNameOf(document.uri), text: document.getText() };
  }

  /** Analyses in slices, yielding between them; stops without a result once a newer job replaced this one. */
  private async runInSlices(document: TextDocument, job: Job): Promise<void> {
    const version = document.version;
    const stale = () => job.cancelled || document.version !== version;
    try {
      const { fileName, text } = this.inputOf(document);
      const run = this.analyzerFor(document.uri).begin({ fileName, text, host: fileSystemHost });
      while (!run.step(Date.now() + SLICE_MS)) {
        await new Promise((resolve) => setImmediate(resolve));
        if (stale()) return;
      }
      this.deliver(document, run.result(), text);
    } catch (err) {
      this.events.onError(document, err);
    } finally {
      if (this.jobs.get(document.uri) === job) this.jobs.delete(document.uri);
    }
  }

  private deliver(document: TextDocument, result: AnalysisResult, text: string): AnalysisResult {
    // Declared data contracts (`@data-contract`) are checked against the data file's header and a sample,
    // unless the file is not source at all (binary, too large), which `analyze` says without parsing it.
    if (!result.skipped) result.diagnostics.push(...checkDataContracts(fileNameOf(document.uri), text));
    this.latest.set(document.uri, { version: document.version, result });
    this.events.onResult(document, result);
    return result;
  }
}
