// How the dashboard front end talks to its host, whichever it is: inside VS Code the webview API (postMessage,
// getState/setState); in a browser under `mlts ui`, Server-Sent Events for what the host sends, JSON posts for what
// the dashboard sends, localStorage for the panel state, and a download link for exports. Messages that arrive are
// checked with isToDashboard before anyone sees them.
import { isToDashboard, type FromDashboard, type ToDashboard } from '../../../runtime/src/dashboard/dashboardProtocol';

export interface DashboardTransport {
  send(message: FromDashboard): void;
  onMessage(listener: (message: ToDashboard) => void): void;
  getState(): unknown;
  setState(state: unknown): void;
  /** Saves an export: a save dialog in VS Code, a download in a browser. */
  saveFile(fileName: string, mime: 'image/png' | 'text/csv', data: Uint8Array): void;
  /** Saves every point of series `key` of these runs from their files (a save dialog in VS Code, a download). */
  exportMetrics(fileName: string, runs: string[], key: string): void;
  /** Whether the host can open other panels (the launcher). */
  readonly inVsCode: boolean;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export function hasVsCodeApi(): boolean {
  return typeof (globalThis as { acquireVsCodeApi?: unknown }).acquireVsCodeApi === 'function';
}

function toBase64(data: Uint8Array): string {
  let text = '';
  for (let i = 0; i < data.length; i += 0x8000) text += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return btoa(text);
}

export function vscodeTransport(): DashboardTransport {
  const api = acquireVsCodeApi();
  return {
    inVsCode: true,
    send: (message) => api.postMessage(message),
    onMessage: (listener) =>
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        if (isToDashboard(event.data)) listener(event.data);
      }),
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
    saveFile: (fileName, mime, data) => api.postMessage({ type: 'saveFile', fileName, mime, base64: toBase64(data) } satisfies FromDashboard),
    exportMetrics: (fileName, runs, key) => api.postMessage({ type: 'exportMetrics', fileName, runs, key } satisfies FromDashboard),
  };
}

const STATE_KEY = 'mlts.dashboard.state';

/** The `mlts ui` transport. Messages sent before the event stream has named this client wait for it. */
export function httpTransport(base = ''): DashboardTransport {
  const listeners: ((message: ToDashboard) => void)[] = [];
  let clientId: string | null = null;
  let queue: FromDashboard[] = [];
  let chain = Promise.resolve();
  const post = (message: FromDashboard) => {
    // Posts go one after another, so the host sees them in the order they were sent.
    chain = chain.then(() =>
      fetch(`${base}/api/message`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Mlts-Client': clientId! }, body: JSON.stringify(message) }).then(
        () => undefined,
        () => undefined,
      ),
    );
  };
  const connect = () => {
    const events = new EventSource(`${base}/api/events`);
    events.addEventListener('client', (event) => {
      clientId = (event as MessageEvent<string>).data;
      const waiting = queue;
      queue = [];
      // A reconnect is a new client for the server: start the conversation again.
      if (!waiting.some((m) => m.type === 'ready')) waiting.unshift({ type: 'ready' });
      for (const m of waiting) post(m);
    });
    events.addEventListener('message', (event) => {
      let data: unknown;
      try {
        data = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        return;
      }
      if (isToDashboard(data)) for (const l of listeners) l(data);
    });
    events.addEventListener('error', () => {
      clientId = null;
    });
  };
  connect();
  return {
    inVsCode: false,
    send: (message) => {
      if (clientId === null) queue.push(message);
      else post(message);
    },
    onMessage: (listener) => listeners.push(listener),
    getState: () => {
      try {
        return JSON.parse(localStorage.getItem(STATE_KEY) ?? 'null');
      } catch {
        return null;
      }
    },
    setState: (state) => {
      try {
        localStorage.setItem(STATE_KEY, JSON.stringify(state));
      } catch {
        // Storage may be disabled; the state then lasts as long as the tab.
      }
    },
    saveFile: (fileName, mime, data) => {
      const url = URL.createObjectURL(new Blob([data as BlobPart], { type: mime }));
      download(url, fileName);
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    },
    // The server streams the file; the client id in the query is what lets a page of this server ask for it.
    exportMetrics: (fileName, runs, key) => {
      const query = new URLSearchParams({ client: clientId ?? '', fileName, key });
      for (const id of runs) query.append('run', id);
      download(`${base}/api/export.csv?${query}`, fileName);
    },
  };
}

function download(url: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
}
