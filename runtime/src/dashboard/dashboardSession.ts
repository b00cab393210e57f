// One dashboard client's conversation with the run feed: answers `ready` with the store and the whole run list,
// keeps the client's metric subscription (run id → points already sent) and, on every feed change, sends the
// changed runs and the new points of subscribed runs. The VS Code panel and each `mlts ui` browser tab own one;
// the transport (postMessage, Server-Sent Events) is the `send` callback. Messages that arrive are assumed to be
// checked with isFromDashboard by the caller. Saving files, opening the launcher and cancelling runs are the host's
// business: `onHostMessage` receives them (`mlts ui` passes none, so a browser tab cannot cancel runs).
import { type FromDashboard, type HostMessage, type ToDashboard } from './dashboardProtocol';
import type { FeedChange, RunFeed } from './runFeed';

/** Largest number of points one metrics message carries, so a huge backlog streams in pieces. */
export const MAX_POINTS_PER_MESSAGE = 20_000;

export interface SessionOptions {
  canLaunch: boolean;
  /** Messages the session does not handle itself (saveFile, openLauncher, cancelRuns); a host without one ignores them. */
  onHostMessage?: (message: HostMessage) => void;
}

export class DashboardSession {
  private readonly sent = new Map<string, number>();
  /** The feed's generation of each run's points when they were sent (see RunFeed.generation). */
  private readonly sentGeneration = new Map<string, number>();
  private ready = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly feed: RunFeed,
    private readonly send: (message: ToDashboard) => void,
    private readonly options: SessionOptions,
  ) {
    this.unsubscribe = feed.onChange((change) => this.onFeedChange(change));
  }

  handle(message: FromDashboard): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sent.clear();
        this.send({ type: 'hello', store: this.feed.store.root, canLaunch: this.options.canLaunch });
        this.send({ type: 'runs', reset: true, runs: this.feed.summaries(), removed: [] });
        return;
      case 'subscribe':
        this.sent.clear();
        this.feed.want(this, message.runs.map((r) => r.id));
        for (const { id, from } of message.runs) {
          if (!this.feed.has(id)) continue;
          this.sent.set(id, Math.min(from, this.feed.pointCount(id)));
          this.flush(id);
        }
        return;
      case 'window': {
        // Held point numbers mean something only in the generation the client holds (thinning renumbers them).
        const stale = !this.feed.has(message.runId) || this.sentGeneration.get(message.runId) !== this.feed.generation(message.runId);
        const answer = stale ? { chunk: null, stride: 1, problem: 'the run changed; zoom again' } : this.feed.readWindow(message.runId, message.from, message.to, message.key);
        this.send({ type: 'window', request: message.request, runId: message.runId, ...answer });
        return;
      }
      case 'saveFile':
      case 'exportMetrics':
      case 'openLauncher':
      case 'cancelRuns':
        this.options.onHostMessage?.(message);
        return;
      default: {
        const never: never = message;
        throw new Error(`unexpected dashboard message ${JSON.stringify(never)}`);
      }
    }
  }

  private onFeedChange(change: FeedChange): void {
    if (!this.ready) return;
    if (change.runs.length || change.removed.length) this.send({ type: 'runs', reset: false, runs: change.runs, removed: change.removed });
    for (const id of change.removed) this.sent.delete(id);
    for (const id of change.metrics) if (this.sent.has(id)) this.flush(id);
    for (const text of change.warnings) this.send({ type: 'notice', level: 'warning', text });
  }

  /** Sends run `id`'s points past what the client holds, in messages of bounded size. */
  private flush(id: string): void {
    let from = this.sent.get(id) ?? 0;
    const total = this.feed.pointCount(id);
    // The metrics file was rewritten shorter, or the feed thinned its points: start the client over from point 0.
    const generation = this.feed.generation(id);
    if (total < from || (this.sentGeneration.get(id) ?? generation) !== generation) from = 0;
    this.sentGeneration.set(id, generation);
    while (true) {
      // Only a message's worth is copied out of the feed's columns each time round.
      const chunk = this.feed.metricsFrom(id, from, MAX_POINTS_PER_MESSAGE);
      if (!chunk || chunk.t.length === 0) {
        if (chunk && chunk.from === 0 && from === 0) this.send({ type: 'metrics', chunk });
        break;
      }
      const n = chunk.t.length;
      this.send({ type: 'metrics', chunk });
      from += n;
      if (from >= total) break;
    }
    this.sent.set(id, from);
  }

  dispose(): void {
    this.unsubscribe();
    this.feed.want(this, null);
  }
}
