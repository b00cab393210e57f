// An esbuild plugin that bundles the TypeScript compiler as an ES module instead of CommonJS. TypeScript 5 ships
// one CommonJS file (lib/typescript.js) whose body is esbuild output: an `__export(typescript_exports, {...})`
// table, `module.exports = __toCommonJS(...)`, then plain top-level declarations inside a wrapper function. Imported
// as CommonJS, every `import * as ts from 'typescript'` in our sources becomes `__toESM(require_typescript())`,
// which copies all ~2,300 exports onto a fresh object once per importing module — tens of milliseconds of every
// CLI and server start. Unwrapped into ESM with named exports, our modules reach TypeScript's functions directly.
// The rewrite only cuts the wrapper lines it finds by exact text; if TypeScript's file layout changes, the build
// fails with a message here rather than producing a broken bundle. Nothing of TypeScript is stored in the repo.
import { readFileSync } from 'node:fs';

const OPEN = 'var ts = {}; ((module) => {';
const CLOSE = '})({ get exports() { return ts; }';
const EXPORT_TABLE = '__export(typescript_exports, {';
const COMMONJS_EXPORT = 'module.exports = __toCommonJS(typescript_exports);';
const NODE_ANNOTATION = '0 && (module.exports = {';

export function typescriptAsEsm() {
  return {
    name: 'typescript-as-esm',
    setup(build) {
      build.onLoad({ filter: /[\\/]typescript[\\/]lib[\\/]typescript\.js$/ }, (args) => {
        const lines = readFileSync(args.path, 'utf8').split('\n');
        const open = lines.findIndex((l) => l.startsWith(OPEN));
        const close = lines.findIndex((l) => l.startsWith(CLOSE));
        const table = lines.indexOf(EXPORT_TABLE);
        const tableEnd = lines.indexOf('});', table);
        const commonjs = lines.indexOf(COMMONJS_EXPORT);
        const annotation = lines.indexOf(NODE_ANNOTATION);
        const annotationEnd = lines.indexOf('});', annotation);
        if ([open, close, table, tableEnd, commonjs, annotation, annotationEnd].includes(-1) || !(open < table && table < commonjs && commonjs < annotation && annotation < close)) {
          throw new Error(`typescriptAsEsm: ${args.path} no longer has the layout this plugin unwraps; update scripts/typescriptAsEsm.mjs`);
        }
        const exported = lines.slice(table + 1, tableEnd).map((line) => {
          const m = /^\s*([\w$]+): \(\) => ([\w$]+),?$/.exec(line);
          if (!m) throw new Error(`typescriptAsEsm: unexpected export table line ${JSON.stringify(line)}`);
          return m[1] === m[2] ? m[1] : `${m[2]} as ${m[1]}`;
        });
        const body = [
          ...lines.slice(0, open),
          ...lines.slice(open + 1, commonjs),
          ...lines.slice(commonjs + 1, annotation),
          ...lines.slice(annotationEnd + 1, close),
        ];
        // The default export serves `import ts from 'typescript'`: the same getter table TypeScript builds itself.
        const contents = `${body.join('\n')}\nexport default typescript_exports;\nexport { ${exported.join(', ')} };\n`;
        return { contents, loader: 'js' };
      });
    },
  };
}
