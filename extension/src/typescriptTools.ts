// The extension's features that need the TypeScript parser, bundled on their own (dist/typescriptTools.js) so the
// 3 MB compiler loads only when one of them is first used, not when the extension activates. Import it only
// through typescriptToolsLoader.ts.
export { analyzeCellDependencies } from '../../runtime/src/cells/cellDependencies';
export { readParamsDeclaration } from '../../runtime/src/params/paramsDeclaration';
