// Per-document settings pulled from the client with `workspace/configuration` (section `mlts`), cached per
// URI, and dropped when settings change or the document closes — no settings in globals. A client that
// cannot answer configuration requests gets the defaults.
import type { Connection } from 'vscode-languageserver/node';
import { DEFAULT_SERVER_SETTINGS, type ServerSettings } from './protocol';

function merge(raw: unknown): ServerSettings {
  if (typeof raw !== 'object' || raw === null) return DEFAULT_SERVER_SETTINGS;
  const r = raw as Record<string, unknown>;
  const inlay = (r.inlayHints ?? {}) as Record<string, unknown>;
  return {
    inlayHints: { enabled: typeof inlay.enabled === 'boolean' ? inlay.enabled : DEFAULT_SERVER_SETTINGS.inlayHints.enabled },
    checkAllTfjsFiles: typeof r.checkAllTfjsFiles === 'boolean' ? r.checkAllTfjsFiles : DEFAULT_SERVER_SETTINGS.checkAllTfjsFiles,
  };
}

export class SettingsCache {
  private readonly cache = new Map<string, Promise<ServerSettings>>();
  private supported = false;

  constructor(private readonly connection: Connection) {}

  /** Call from onInitialize with whether the client supports `workspace/configuration`. */
  setSupported(supported: boolean): void {
    this.supported = supported;
  }

  get(uri: string): Promise<ServerSettings> {
    if (!this.supported) return Promise.resolve(DEFAULT_SERVER_SETTINGS);
    let settings = this.cache.get(uri);
    if (!settings) {
      settings = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'mlts' })
        .then(merge, () => DEFAULT_SERVER_SETTINGS);
      this.cache.set(uri, settings);
    }
    return settings;
  }

  clear(uri?: string): void {
    if (uri) this.cache.delete(uri);
    else this.cache.clear();
  }
}
