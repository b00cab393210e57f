// Module hooks for a run process: the same TypeScript compilation as tsLoaderHooks.ts, plus one rewrite in the
// experiment file itself (and no other module): its `/** @mlts-params */` object literal is wrapped in a call to
// the run's parameters hook, `globalThis.__mltsApplyParams({...})`, which returns the defaults merged with the
// run's overrides. Its scratch cells are blanked first, as for any experiment loaded as a module (tsLoaderHooks.ts). The rewrite stays on the literal's own lines, so source maps and stack lines are unchanged.
// Runs on Node's loader thread; `initialize` receives the entry file's URL from runProcess.ts.
import { fileURLToPath } from 'node:url';
import { wrapParamsLiteral } from '../params/paramsLiteral';
import { compileTypeScript, load as loadTypeScript, moduleSource } from '../tsLoaderHooks';

export { resolve } from '../tsLoaderHooks';

let entryUrl: string | undefined;

export function initialize(data: { entryUrl?: string } | undefined): void {
  entryUrl = data?.entryUrl;
}

type NextLoad = Parameters<typeof loadTypeScript>[2];

export async function load(url: string, context: object, nextLoad: NextLoad): ReturnType<typeof loadTypeScript> {
  if (url !== entryUrl) return loadTypeScript(url, context, nextLoad);
  const text = moduleSource(fileURLToPath(url));
  const wrapped = wrapParamsLiteral(text);
  if (wrapped === text) return loadTypeScript(url, context, nextLoad);
  return compileTypeScript(wrapped, url);
}
