// The AnalysisHost that reads the real file system, shared by the language server and the CLI. The analysis
// itself never touches the disk; it asks its host. A missing or unreadable file is simply unknown to it.
import { readFileSync } from 'node:fs';
import type { AnalysisHost } from './analysis/api';

export const fileSystemHost: AnalysisHost = {
  readFile(path: string) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};
