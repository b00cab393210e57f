// mlts's TypeScript server plugin (contributed through `typescriptServerPlugins`): adds mltsGlobals.d.ts — the
// `display()` and `mlts` globals that kernels and runs provide — to every project that holds a `.ml.ts` file, so
// the TypeScript extension stops flagging them. It changes nothing else about the language service. Built by
// scripts/build.mjs into node_modules/mlts-typescript-plugin/, where VS Code looks for plugins of an extension.
// Loose `.ml.ts` files live in tsserver's inferred projects, which leave a plugin's `getExternalFiles` out of the
// program, so the plugin registers the file with the project service (as tsserver does for external files) and
// appends it to the project's root file names.
import { join } from 'node:path';

interface ScriptInfo {
  attachToProject(project: Project): boolean;
}

interface Project {
  getScriptFileNames(): string[];
  getCurrentDirectory(): string;
  directoryStructureHost: unknown;
  projectService: {
    getOrCreateScriptInfoNotOpenedByClient(fileName: string, currentDirectory: string, host: unknown, deferredDeleteOk: boolean): ScriptInfo | undefined;
  };
}

interface PluginCreateInfo {
  languageService: unknown;
  project: Project;
}

const GLOBALS_FILE = join(__dirname, 'mltsGlobals.d.ts');

export = function init(): { create(info: PluginCreateInfo): unknown } {
  return {
    create(info) {
      const project = info.project;
      const fileNames = project.getScriptFileNames.bind(project);
      project.getScriptFileNames = () => {
        const names = fileNames();
        if (!names.some((f) => f.endsWith('.ml.ts')) || names.includes(GLOBALS_FILE)) return names;
        project.projectService
          .getOrCreateScriptInfoNotOpenedByClient(GLOBALS_FILE, project.getCurrentDirectory(), project.directoryStructureHost, false)
          ?.attachToProject(project);
        return [...names, GLOBALS_FILE];
      };
      return info.languageService;
    },
  };
};
