// Entry point of the run dashboard (dist/webviews/dashboardPanel.js): the same bundle runs in the VS Code webview
// (extension/src/dashboard/) and in a browser tab served by `mlts ui` (cli/src/ui/); it picks the transport by
// whether the VS Code webview API exists. Everything else lives in webviews/src/dashboard/.
import { DashboardApp } from './dashboard/dashboardApp';
import { hasVsCodeApi, httpTransport, vscodeTransport } from './dashboard/transport';

const app = new DashboardApp(document.body.appendChild(document.createElement('div')), hasVsCodeApi() ? vscodeTransport() : httpTransport());
app.start();
