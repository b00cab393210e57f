// The HTTP server behind `mlts ui`: serves the run dashboard (the same bundle as the VS Code panel) on 127.0.0.1
// only, streams changes to each browser tab over Server-Sent Events (GET /api/events) and takes the tab's messages
// as JSON posts (POST /api/message). Security: it binds to loopback, answers 403 to any request whose Host is not
// its own loopback address or whose Origin (when sent) is not its own origin, which defeats DNS rebinding and
// cross-site posts; the page has a Content-Security-Policy of `default-src 'none'` with a fresh nonce on its one
// script, no inline handlers, and every asset is served from a fixed list. It never launches runs: launching is
// the VS Code launcher's job, behind workspace trust.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { isExportRequest, isFromDashboard, type ToDashboard } from '../../../runtime/src/dashboard/dashboardProtocol';
import { metricsCsv } from '../../../runtime/src/dashboard/metricsCsv';
import { RunStore } from '../../../runtime/src/store/runStore';
import { DashboardSession } from '../../../runtime/src/dashboard/dashboardSession';
import { RunFeed } from '../../../runtime/src/dashboard/runFeed';

export interface DashboardServerOptions {
  storeDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Folder holding dashboardPanel.js and uPlot.min.css (dist/webviews). */
  assetsDir: string;
  /** Folder holding dashboard.css (media/). */
  mediaDir: string;
  pollMs?: number;
}

export interface RunningDashboardServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Largest request body accepted (the dashboard's messages are small; exports are saved by the browser). */
const MAX_BODY = 1024 * 1024;
/** Seconds between SSE comments that keep proxies and idle timers from closing the stream. */
const KEEPALIVE_MS = 15_000;

/** The files the page may load, by URL path: [folder key, file name, content type]. */
const ASSETS: Record<string, ['assets' | 'media', string, string]> = {
  '/assets/dashboardPanel.js': ['assets', 'dashboardPanel.js', 'text/javascript; charset=utf-8'],
  '/assets/uPlot.min.css': ['assets', 'uPlot.min.css', 'text/css; charset=utf-8'],
  '/assets/dashboard.css': ['media', 'dashboard.css', 'text/css; charset=utf-8'],
  '/assets/dashboardStandalone.css': ['media', 'dashboardStandalone.css', 'text/css; charset=utf-8'],
};

/** Where the built assets are when running from dist/cli.js, or from the sources under tsx. */
export function defaultAssetDirs(here: string = __dirname): { assetsDir: string; mediaDir: string } {
  const fromEnv = process.env.MLTS_UI_ASSETS;
  const candidates = [join(here, 'webviews'), join(here, '..', '..', '..', 'dist', 'webviews')];
  const assetsDir = fromEnv ?? candidates.find((dir) => existsSync(join(dir, 'dashboardPanel.js'))) ?? candidates[0]!;
  const mediaCandidates = [join(here, '..', 'media'), join(here, '..', '..', '..', 'media')];
  const mediaDir = mediaCandidates.find((dir) => existsSync(join(dir, 'dashboard.css'))) ?? mediaCandidates[0]!;
  return { assetsDir, mediaDir };
}

export function dashboardPageHtml(nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>mlts runs</title>
    <link rel="stylesheet" href="/assets/uPlot.min.css">
    <link rel="stylesheet" href="/assets/dashboardStandalone.css">
    <link rel="stylesheet" href="/assets/dashboard.css">
  </head>
  <body class="mlts-standalone">
    <script type="module" nonce="${nonce}" src="/assets/dashboardPanel.js"></script>
  </body>
</html>`;
}

function pageCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Whether a request comes from a page this server served: Host is ours, and Origin is ours or absent. */
export function isOwnRequest(headers: IncomingMessage['headers'], port: number): boolean {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!headers.host || !hosts.includes(headers.host.toLowerCase())) return false;
  const origin = headers.origin;
  if (origin !== undefined && !hosts.some((h) => origin.toLowerCase() === `http://${h}`)) return false;
  return true;
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

export async function startDashboardServer(options: DashboardServerOptions): Promise<RunningDashboardServer> {
  const feed = new RunFeed(new RunStore(options.storeDir), { pollMs: options.pollMs, onlyWanted: true });
  feed.start();
  const clients = new Map<string, { session: DashboardSession; res: ServerResponse; keepAlive: NodeJS.Timeout }>();
  let port = 0;

  const openEvents = (res: ServerResponse) => {
    const id = randomBytes(16).toString('hex');
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    const send = (message: ToDashboard) => res.write(`data: ${JSON.stringify(message)}\n\n`);
    const session = new DashboardSession(feed, send, { canLaunch: false });
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
    clients.set(id, { session, res, keepAlive });
    res.write(`event: client\ndata: ${id}\n\n`);
    res.on('close', () => {
      clearInterval(keepAlive);
      session.dispose();
      clients.delete(id);
    });
  };

  const postMessage = (req: IncomingMessage, res: ServerResponse) => {
    const client = clients.get(String(req.headers['x-mlts-client'] ?? ''));
    if (!client) return reply(res, 409, 'unknown client; open /api/events first');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return reply(res, 415, 'JSON only');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reply(res, 413, 'too large');
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      let message: unknown;
      try {
        message = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(res, 400, 'not JSON');
      }
      if (!isFromDashboard(message)) return reply(res, 400, 'not a dashboard message');
      client.session.handle(message);
      res.writeHead(204, SECURITY_HEADERS);
      res.end();
    });
  };

  // A chart's full-resolution CSV, streamed from the runs' files as the browser takes it. Only a page this server
  // gave a client id (over its event stream) may ask, so another site cannot make the browser download run data.
  const exportCsv = async (req: IncomingMessage, res: ServerResponse) => {
    const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    if (!clients.has(query.get('client') ?? '')) return reply(res, 409, 'unknown client; open /api/events first');
    const request = { fileName: query.get('fileName'), key: query.get('key'), runs: query.getAll('run') };
    if (!isExportRequest(request)) return reply(res, 400, 'not an export request');
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${request.fileName}"` });
    let closed = false;
    res.on('close', () => (closed = true));
    for (const piece of metricsCsv(feed, request.runs, request.key)) {
      if (closed) return;
      if (!res.write(piece)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
    }
    res.end();
  };

  const server: Server = createServer((req, res) => {
    if (!isOwnRequest(req.headers, port)) return reply(res, 403, 'forbidden: this server only answers its own pages on 127.0.0.1');
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      const nonce = randomBytes(16).toString('base64');
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': pageCsp(nonce), 'X-Frame-Options': 'DENY' });
      res.end(dashboardPageHtml(nonce));
      return;
    }
    if (req.method === 'GET' && path === '/api/events') return openEvents(res);
    if (req.method === 'POST' && path === '/api/message') return postMessage(req, res);
    if (req.method === 'GET' && path === '/api/export.csv') return void exportCsv(req, res);
    const asset = req.method === 'GET' ? ASSETS[path] : undefined;
    if (asset) {
      const [folder, name, type] = asset;
      try {
        const body = readFileSync(join(folder === 'assets' ? options.assetsDir : options.mediaDir, name));
        res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': type });
        res.end(body);
      } catch {
        reply(res, 404, `${name} is missing; build mlts first (npm run build)`);
      }
      return;
    }
    reply(res, 404, 'not found');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: async () => {
      feed.dispose();
      for (const { res, keepAlive, session } of clients.values()) {
        clearInterval(keepAlive);
        session.dispose();
        res.end();
      }
      clients.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
